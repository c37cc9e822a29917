/**
 * A minimal ComfyUI client for the simulator tests: real HTTP (fetch) and a real WebSocket, recording
 * every frame so tests can assert exact message sequences.
 */
import WebSocket from 'ws'
import { SimServer } from '../index'
import type { SimServerOptions } from '../index'
import { txt2img } from '../samples/txt2img'

/** A received WebSocket frame: JSON messages parsed; binary frames get type 'binary', their event and bytes. */
export interface Frame {
  type: string
  data: Record<string, unknown>
  event?: number
  bytes?: Buffer
}

/** A connected WebSocket client that records frames. */
export class WsClient {
  readonly frames: Frame[] = []
  sid = ''
  private waiters: Array<() => void> = []

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer)
      this.frames.push(
        isBinary
          ? { type: 'binary', data: {}, event: buf.readUInt32BE(0), bytes: buf }
          : (JSON.parse(buf.toString('utf8')) as Frame)
      )
      this.notify()
    })
  }

  /** Connect to /ws (optionally with a clientId and feature flags) and wait for the status greeting. */
  static async connect(
    server: SimServer,
    clientId?: string,
    featureFlags?: Record<string, unknown>
  ): Promise<WsClient> {
    const q = clientId ? `?clientId=${encodeURIComponent(clientId)}` : ''
    const client = new WsClient(new WebSocket(`ws://127.0.0.1:${server.port}/ws${q}`))
    await new Promise((resolve, reject) => {
      client.ws.once('open', resolve)
      client.ws.once('error', reject)
    })
    if (featureFlags) client.ws.send(JSON.stringify({ type: 'feature_flags', data: featureFlags }))
    const greeting = await client.waitFor((f) => f.type === 'status' && f.data.sid !== undefined)
    client.sid = String(greeting.data.sid)
    return client
  }

  private notify(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  /** Wait until a frame matching `pred` has arrived (or time out). */
  async waitFor(pred: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const hit = this.frames.find(pred)
      if (hit) return hit
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out waiting for a frame; got ${this.types().join(', ')}`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  /** Wait for the final `executing {node: null}` of a prompt. */
  async waitDone(promptId: string, timeoutMs = 5000): Promise<void> {
    await this.waitFor(
      (f) => f.type === 'executing' && f.data.node === null && f.data.prompt_id === promptId,
      timeoutMs
    )
  }

  /** Frame types in order (binary frames as "binary:<event>"). */
  types(): string[] {
    return this.frames.map((f) => (f.type === 'binary' ? `binary:${f.event ?? 0}` : f.type))
  }

  /** JSON frames concerning one prompt (status frames excluded). */
  forPrompt(promptId: string): Frame[] {
    return this.frames.filter((f) => f.type !== 'binary' && f.data.prompt_id === promptId)
  }

  close(): void {
    this.ws.close()
  }
}

/** POST /prompt with a raw JSON body (so key order and literals are exactly as written). */
export async function postPromptRaw(
  server: SimServer,
  body: string
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/prompt`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/json' },
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

/** POST /prompt with a JS body. */
export async function postPrompt(server: SimServer, body: Record<string, unknown>) {
  return postPromptRaw(server, JSON.stringify(body))
}

/** GET JSON. */
export async function getJson<T = Record<string, unknown>>(server: SimServer, path: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`)
  if (!res.ok) throw new Error(`GET ${path} → ${res.status}`)
  return (await res.json()) as T
}

/** POST JSON, returning status and text. */
export async function postJson(
  server: SimServer,
  path: string,
  body?: unknown
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, text: await res.text() }
}

/** Start a server with tiny timings (tests must run in seconds). */
export async function startTestServer(opts: SimServerOptions = {}): Promise<SimServer> {
  const s = new SimServer({ timing: { stepMs: 1, nodeMs: 0, loadMs: 1 }, ...opts })
  await s.start()
  return s
}

/** EmptyImage(1) → ImageInvert(2) → ImageScale(3) → SaveImage(4): the reference's sequence-A graph. */
export function imageGraph(prefix = 'test', color = 16711680): Record<string, unknown> {
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color } },
    '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
    '3': {
      class_type: 'ImageScale',
      inputs: { image: ['2', 0], upscale_method: 'nearest-exact', width: 32, height: 32, crop: 'disabled' },
    },
    '4': { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: prefix } },
  }
}

/** A txt2img graph with a sampler (progress messages): the shared sample graph. */
export function samplerGraph(seed = 1, steps = 3, prefix = 'ComfyUI'): Record<string, unknown> {
  return txt2img({ seed, steps, prefix, text: 'a cat' })
}

/** Sleep. */
export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
