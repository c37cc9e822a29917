/** Probe a ComfyUI server once: device, VRAM and capabilities (used by the standalone worker and tests). */
import type { WorkerServer } from '../contract/worker-protocol'
import { capabilitiesFromObjectInfo } from './capabilities'
import { ComfyHttpClient } from './http-client'

export interface ServerSpec {
  id: string
  name?: string
  address: string
  slots?: number
}

/** A `WorkerServer` for `spec`, online with capabilities when the server answers, offline otherwise. */
export async function probeServer(spec: ServerSpec, timeoutMs = 5_000): Promise<WorkerServer> {
  const client = new ComfyHttpClient(spec.address, { timeoutMs, longTimeoutMs: timeoutMs * 4 })
  const base: WorkerServer = {
    id: spec.id,
    name: spec.name ?? spec.id,
    address: client.address,
    slots: spec.slots ?? 2,
    accepting: false,
    online: false,
    capabilities: null,
    vramFree: null,
    vramTotal: null,
    gpu: null,
  }
  try {
    const [stats, info] = await Promise.all([client.systemStats(), client.objectInfo()])
    const device = stats.device
    return {
      ...base,
      accepting: true,
      online: true,
      capabilities: capabilitiesFromObjectInfo(info),
      vramFree: device?.vramFree ?? null,
      vramTotal: device?.vramTotal ?? null,
      gpu: device?.name ?? null,
    }
  } catch {
    return base
  }
}
