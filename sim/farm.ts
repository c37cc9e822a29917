/** startFarm: several independent simulated GPU servers on consecutive ports. */
import { SimServer } from './server'
import type { SimFarmOptions } from './types'

/** A running farm. */
export interface SimFarm {
  servers: SimServer[]
  stop(): Promise<void>
  /** prompt_id → executions to completion, summed over servers. */
  executionsByPrompt(): Record<string, number>
}

const GPUS = [
  { name: 'NVIDIA GeForce RTX 4090', vramTotal: 25_757_220_864 },
  { name: 'NVIDIA GeForce RTX 3090', vramTotal: 25_438_126_080 },
  { name: 'NVIDIA RTX A6000', vramTotal: 51_041_271_808 },
  { name: 'NVIDIA GeForce RTX 4070 Ti', vramTotal: 12_878_086_144 },
]

/** The card's VRAM in bytes: the farm's per-server GB when given, else the GPU table's. */
function vramOf(opts: SimFarmOptions, i: number, fallback: number): number {
  const gb = opts.vramGb?.[i]
  return gb === undefined ? fallback : Math.round(gb * 1024 ** 3)
}

/** Start `servers` servers (ports basePort+i, or ephemeral when basePort is not given). */
export async function startFarm(opts: SimFarmOptions): Promise<SimFarm> {
  if (!Number.isInteger(opts.servers) || opts.servers < 1)
    throw new Error('startFarm: "servers" must be an integer >= 1')
  const servers: SimServer[] = []
  for (let i = 0; i < opts.servers; i++) {
    const gpu = GPUS[i % GPUS.length] ?? { name: 'NVIDIA GeForce RTX 4090', vramTotal: 25_757_220_864 }
    const models = opts.models?.[i]
    servers.push(
      new SimServer({
        name: `gpu-${i}`,
        port: opts.basePort === undefined ? 0 : opts.basePort + i,
        speed: opts.speeds?.[i] ?? 1,
        device: { name: `${gpu.name} (gpu-${i})`, vramTotal: vramOf(opts, i, gpu.vramTotal) },
        ...(opts.vram ? { vram: opts.vram } : {}),
        ...(opts.timing ? { timing: opts.timing } : {}),
        ...(opts.previews !== undefined ? { previews: opts.previews } : {}),
        ...(models ? { models } : {}),
      })
    )
  }
  try {
    await Promise.all(servers.map((s) => s.start()))
  } catch (ex) {
    await Promise.all(servers.map((s) => s.stop()))
    throw ex
  }
  return {
    servers,
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()))
    },
    executionsByPrompt: () => {
      const out: Record<string, number> = {}
      for (const s of servers) {
        for (const [id, n] of Object.entries(s.stats().executions)) out[id] = (out[id] ?? 0) + n
      }
      return out
    },
  }
}
