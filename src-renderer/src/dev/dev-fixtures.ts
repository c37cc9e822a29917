import { txt2img } from '../../../sim/samples/txt2img'
import type { ApiPrompt, AppInfo, ServerView, Settings } from '../../../src-shared/contract'

/** ComfyUI's default text-to-image graph, the shape most dropped workflows have (SDXL-sized here). */
export const DEFAULT_PROMPT: ApiPrompt = txt2img({
  ckpt: 'sd_xl_base_1.0.safetensors',
  text: 'a lighthouse on a cliff at dusk, volumetric light',
  negative: 'blurry, watermark',
  width: 1024,
  height: 1024,
  steps: 20,
  prefix: 'ComfyFleet',
})

/** The UI layout of the same graph (positions as ComfyUI saves them). */
export const DEFAULT_WORKFLOW = {
  nodes: [
    { id: 4, pos: [26, 474] },
    { id: 5, pos: [473, 609] },
    { id: 6, pos: [415, 186] },
    { id: 7, pos: [413, 389] },
    { id: 3, pos: [863, 186] },
    { id: 8, pos: [1209, 188] },
    { id: 9, pos: [1451, 189] },
  ],
}

export const TITLES: Record<string, string> = {
  '3': 'KSampler',
  '4': 'Load Checkpoint',
  '5': 'Empty Latent Image',
  '6': 'CLIP Text Encode (Prompt)',
  '7': 'CLIP Text Encode (Negative)',
  '8': 'VAE Decode',
  '9': 'Save Image',
}

/** Execution order the fake runs walk through. */
export const ORDER = ['4', '5', '6', '7', '3', '8', '9']

export const PROMPTS = [
  'a lighthouse on a cliff at dusk, volumetric light',
  'portrait of an old fisherman, rembrandt lighting',
  'cyberpunk alley in the rain, neon reflections',
  'isometric tiny house in a forest, diorama',
  'macro photo of a dew drop on a leaf',
  'astronaut riding a horse on mars, film grain',
]

const GB = 1024 ** 3

function server(
  i: number,
  name: string,
  gpu: string,
  total: number,
  state: 'online' | 'offline' | 'degraded'
): ServerView {
  return {
    id: `srv-${i}`,
    name,
    address: `http://10.0.0.${10 + i}:8188`,
    enabled: true,
    draining: false,
    slots: 2,
    tags: [],
    createdAt: Date.now() - 86_400_000,
    updatedAt: Date.now(),
    health: {
      state,
      device:
        state === 'offline' ? null : { name: gpu, type: 'cuda', vramTotal: total * GB, vramFree: total * GB * 0.55 },
      queueRemaining: state === 'offline' ? null : 0,
      latencyMs: state === 'offline' ? null : 3 + i,
      lastSeenAt: Date.now(),
      error:
        state === 'offline'
          ? 'connect ECONNREFUSED 10.0.0.13:8188'
          : state === 'degraded'
            ? 'WebSocket reconnecting'
            : null,
      comfyuiVersion: state === 'offline' ? null : '0.3.68',
    },
    slotsInUse: 0,
    currentRunIds: [],
    speed: state === 'offline' ? null : ([1, 0.62, 1.4][i % 3] ?? 1),
    hasCapabilities: state !== 'offline',
  }
}

export const initialServers = (): ServerView[] => [
  server(0, 'rig-4090-a', 'cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync', 24, 'online'),
  server(1, 'rig-3090', 'cuda:0 NVIDIA GeForce RTX 3090 : cudaMallocAsync', 24, 'online'),
  server(2, 'h100-cloud', 'cuda:0 NVIDIA H100 80GB HBM3 : cudaMallocAsync', 80, 'degraded'),
  server(3, 'old-2080', 'cuda:0 NVIDIA GeForce RTX 2080 Ti', 11, 'offline'),
]

export const initialSettings = (): Settings => ({
  temporal: {
    mode: 'embedded',
    address: '127.0.0.1:7233',
    namespace: 'default',
    embeddedPort: 0,
    embeddedUiPort: 0,
    tls: null,
    apiKey: null,
  },
  retry: { initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 30000, maximumAttempts: 5 },
  defaultSlots: 2,
  localApi: { enabled: true, host: '127.0.0.1', port: 8001 },
  previews: true,
})

export const appInfo = (): AppInfo => ({
  version: '0.1.0',
  mode: 'headless',
  dataDir: '/home/user/.config/comfyfleet',
  temporal: {
    mode: 'embedded',
    address: '127.0.0.1:7233',
    namespace: 'default',
    state: 'up',
    uiUrl: 'http://127.0.0.1:8233',
    error: null,
  },
  worker: { state: 'up', pid: 4242, restarts: 0, lastError: null },
  localApi: { enabled: true, url: 'http://127.0.0.1:8001' },
  startupNotices: [],
})

/** A deterministic colourful SVG standing in for a generated image. */
export function fakeImage(hash: string): string {
  let h = 0
  for (const c of hash) h = (h * 31 + c.charCodeAt(0)) >>> 0
  const a = h % 360
  const b = (a + 60 + ((h >> 8) % 120)) % 360
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512"><defs><radialGradient id="g" cx="${30 + (h % 40)}%" cy="${30 + ((h >> 4) % 40)}%"><stop offset="0" stop-color="hsl(${a},70%,62%)"/><stop offset="1" stop-color="hsl(${b},55%,18%)"/></radialGradient></defs><rect width="512" height="512" fill="url(#g)"/><circle cx="${100 + (h % 300)}" cy="${120 + ((h >> 3) % 260)}" r="${40 + (h % 80)}" fill="hsla(${b},80%,80%,0.35)"/></svg>`
  return `data:image/svg+xml;base64,${btoa(svg)}`
}
