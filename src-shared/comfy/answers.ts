/**
 * Checks of ComfyUI's answers before anything trusts them: /system_stats, GET /prompt and /object_info.
 * Each returns the parsed value or throws {@link ComfyProtocolError} naming what was wrong.
 */
import type { GpuDevice, ServerCapabilities } from '../contract/servers'
import { capabilitiesFromObjectInfo } from './capabilities'
import { ComfyProtocolError } from './errors'
import type { ObjectInfo, SystemStats } from './types'

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** /system_stats: the first device, the version (null when the server does not say) and argv. */
export function parseSystemStats(json: unknown, address = 'the server'): SystemStats {
  if (!isRecord(json) || !isRecord(json.system) || !Array.isArray(json.devices)) {
    throw new ComfyProtocolError(address, 'GET /system_stats', 'no "system" and "devices"')
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

/** `exec_info.queue_remaining` from GET /prompt. */
export function parseQueueRemaining(json: unknown, address = 'the server'): number {
  const remaining = isRecord(json) && isRecord(json.exec_info) ? json.exec_info.queue_remaining : undefined
  if (typeof remaining !== 'number') {
    throw new ComfyProtocolError(address, 'GET /prompt', 'no exec_info.queue_remaining')
  }
  return remaining
}

/** /object_info must be an object of node classes (its entries are checked where they are read). */
export function parseObjectInfo(json: unknown, address = 'the server'): ObjectInfo {
  if (!isRecord(json)) throw new ComfyProtocolError(address, 'GET /object_info', 'not an object of node classes')
  return json as ObjectInfo
}

/** Node classes and combo values of a server, from its /object_info. */
export function parseCapabilities(json: unknown, now: number, address = 'the server'): ServerCapabilities {
  return capabilitiesFromObjectInfo(parseObjectInfo(json, address), now)
}
