/**
 * The few HTTP reads the fleet makes of a ComfyUI server (GET /system_stats, /prompt, /object_info),
 * each under a timeout, with the answers checked before anything trusts them.
 */
import { createHash } from 'node:crypto'
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

/** Control answers (/system_stats, /prompt) are small; anything bigger is not a ComfyUI answer. */
export const MAX_CONTROL_BYTES = 1024 ** 2
/**
 * /object_info grows with custom nodes (a few MB is common, ~20 MB with hundreds of packs). A bigger one is
 * refused: held and parsed in main, a 64 MB document took main to 1 GB and stalled the local API for seconds.
 */
export const MAX_OBJECT_INFO_BYTES = 40 * 1024 ** 2

/** A JSON document and the sha256 of its bytes (an unchanged document need not be parsed twice). */
export interface JsonDocument {
  json: unknown
  sha256: string
}

/** GET a JSON document of at most `maxBytes`; throws {@link ProbeError}. */
export async function getJson(
  address: string,
  path: string,
  timeoutMs: number,
  maxBytes = MAX_CONTROL_BYTES
): Promise<unknown> {
  return (await getDocument(address, path, timeoutMs, maxBytes)).json
}

/** GET a JSON document of at most `maxBytes`, with its hash; throws {@link ProbeError}. */
export async function getDocument(
  address: string,
  path: string,
  timeoutMs: number,
  maxBytes: number
): Promise<JsonDocument> {
  let response: Response
  try {
    // Never follow a redirect: a server must not send the app to another host.
    response = await fetch(`${address}${path}`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' })
  } catch (error) {
    if (isTimeout(error)) throw new ProbeError('timeout', `${address} did not answer ${path} within ${timeoutMs} ms.`)
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)
    throw new ProbeError('unreachable', `Cannot reach ${address}: ${cause}.`)
  }
  if (!response.ok) {
    await response.body?.cancel()
    throw new ProbeError('http', `${address}${path} answered HTTP ${response.status}.`)
  }
  const bytes = await readCapped(response, address, path, timeoutMs, maxBytes)
  try {
    return {
      json: JSON.parse(bytes.toString('utf8')) as unknown,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    }
  } catch {
    throw new ProbeError('not-comfyui', `${address}${path} did not answer JSON; is this a ComfyUI server?`)
  }
}

/** The body, or a ProbeError as soon as it passes `maxBytes` (declared or counted): never more is held. */
async function readCapped(
  response: Response,
  address: string,
  path: string,
  timeoutMs: number,
  maxBytes: number
): Promise<Buffer> {
  const tooBig = (): ProbeError =>
    new ProbeError('http', `${address}${path} is larger than the ${sizeText(maxBytes)} accepted.`)
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel()
    throw tooBig()
  }
  const chunks: Buffer[] = []
  let total = 0
  try {
    // Leaving the loop early cancels the stream (the iterator's return()), so nothing more is read.
    for await (const chunk of response.body ?? []) {
      total += chunk.byteLength
      if (total > maxBytes) break
      chunks.push(Buffer.from(chunk))
    }
  } catch (error) {
    if (error instanceof ProbeError) throw error
    if (isTimeout(error)) {
      throw new ProbeError('timeout', `${address} did not finish answering ${path} within ${timeoutMs} ms.`)
    }
    throw new ProbeError('unreachable', `${address}${path} stopped answering: ${String(error)}.`)
  }
  if (total > maxBytes) throw tooBig()
  return Buffer.concat(chunks)
}

const sizeText = (n: number): string =>
  n < 1024 ** 2 ? `${Math.round(n / 1024)} KB` : `${Math.round(n / 1024 ** 2)} MB`

const isTimeout = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')

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
