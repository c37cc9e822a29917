/**
 * The few HTTP reads the fleet makes of a ComfyUI server (GET /system_stats, /prompt, /object_info),
 * each under a timeout, with the answers checked before anything trusts them.
 */
import { capabilitiesFromObjectInfo } from '../../src-shared/comfy/capabilities'
import type { ObjectInfo } from '../../src-shared/comfy/types'
import type { GpuDevice, ServerCapabilities } from '../../src-shared/contract/servers'

/** Why a probe failed, in words a user can act on. */
export class ProbeError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'timeout' | 'http' | 'not-comfyui',
    message: string
  ) {
    super(message)
    this.name = 'ProbeError'
  }
}

export interface SystemStats {
  device: GpuDevice | null
  comfyuiVersion: string | null
  /** Changes when the server is restarted with other options; part of its identity. */
  argv: string[]
}

/** GET a JSON document; throws {@link ProbeError}. */
export async function getJson(address: string, path: string, timeoutMs: number): Promise<unknown> {
  let response: Response
  try {
    response = await fetch(`${address}${path}`, { signal: AbortSignal.timeout(timeoutMs) })
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      throw new ProbeError('timeout', `${address} did not answer ${path} within ${timeoutMs} ms.`)
    }
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)
    throw new ProbeError('unreachable', `Cannot reach ${address}: ${cause}.`)
  }
  if (!response.ok) {
    await response.body?.cancel()
    throw new ProbeError('http', `${address}${path} answered HTTP ${response.status}.`)
  }
  try {
    return (await response.json()) as unknown
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      throw new ProbeError('timeout', `${address} did not finish answering ${path} within ${timeoutMs} ms.`)
    }
    throw new ProbeError('not-comfyui', `${address}${path} did not answer JSON; is this a ComfyUI server?`)
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Read /system_stats; throws {@link ProbeError} when it is not ComfyUI's shape. */
export function parseSystemStats(json: unknown): SystemStats {
  if (!isRecord(json) || !isRecord(json.system) || !Array.isArray(json.devices)) {
    throw new ProbeError('not-comfyui', '/system_stats has no "system" and "devices"; is this a ComfyUI server?')
  }
  const first: unknown = json.devices[0]
  const device: GpuDevice | null = isRecord(first)
    ? {
        name: typeof first.name === 'string' ? first.name : 'unknown',
        type: typeof first.type === 'string' ? first.type : 'unknown',
        vramTotal: typeof first.vram_total === 'number' ? first.vram_total : 0,
        vramFree: typeof first.vram_free === 'number' ? first.vram_free : 0,
      }
    : null
  const version = json.system.comfyui_version
  const argv = Array.isArray(json.system.argv) ? json.system.argv.filter((a): a is string => typeof a === 'string') : []
  return { device, comfyuiVersion: typeof version === 'string' ? version : null, argv }
}

/** `exec_info.queue_remaining` from GET /prompt, or throws {@link ProbeError}. */
export function parseQueue(json: unknown): number {
  const remaining = isRecord(json) && isRecord(json.exec_info) ? json.exec_info.queue_remaining : undefined
  if (typeof remaining !== 'number') throw new ProbeError('not-comfyui', '/prompt has no exec_info.queue_remaining.')
  return remaining
}

/**
 * Node classes and combo values from /object_info. Old-style combos are `[[...values], {...}]`,
 * V3 ones `["COMBO", {"options": [...]}]`; both end up in `enums["Class.input"]`.
 */
export function parseObjectInfo(json: unknown, now: number): ServerCapabilities {
  if (!isRecord(json)) throw new ProbeError('not-comfyui', '/object_info is not an object of node classes.')
  return capabilitiesFromObjectInfo(json as ObjectInfo, now)
}
