/**
 * Parses what a ComfyUI server sends on /ws into the typed messages the engine folds. A server is not
 * trusted to send well-formed frames (a bug, a custom node, a hostile host): a frame whose fields are not
 * what the type says is dropped here, so no listener ever sees `nodes: 5` or a preview without metadata.
 * An `execution_error` is kept with defaults for what it lacks (an error without a traceback is still
 * the run's error). Frame types the engine does not read are dropped.
 */
import { z } from 'zod'
import type { ExecutionErrorData, PreviewFrame, WsMessage } from './types'

/** The longest id (prompt, node) a frame may carry. */
const MAX_ID = 1_000
const id = z.string().max(MAX_ID)
const time = z.number().optional()
const strings = z.array(z.string()).catch([])

const executionError = z.object({
  prompt_id: id,
  node_id: id.catch(''),
  node_type: z.string().catch('unknown'),
  executed: strings,
  exception_message: z.string().catch(''),
  exception_type: z.string().catch(''),
  traceback: strings,
  timestamp: time.catch(undefined),
})

/** Frame types that are rare (one or a few a run) and rich: checked against their schema. */
const schemas = {
  executed: z.object({
    node: id,
    display_node: z.string().optional(),
    output: z.record(z.string(), z.unknown()).nullable().catch(null),
    prompt_id: id,
  }),
  execution_error: executionError,
  execution_interrupted: z.object({
    prompt_id: id,
    node_id: id.catch(''),
    node_type: z.string().catch('unknown'),
    executed: strings,
    timestamp: time.catch(undefined),
  }),
} satisfies Partial<Record<WsMessage['type'], z.ZodType>>

type SchemaType = keyof typeof schemas
type Data<K extends WsMessage['type']> = Extract<WsMessage, { type: K }>['data']
type HotType = 'status' | 'execution_start' | 'execution_cached' | 'executing' | 'progress' | 'execution_success'

/**
 * Frame types that come every step or node (and `status` on every socket of a server): checked by hand. A
 * zod parse cost ~40 µs a frame, ~1 ms of every 10-step run in the worker, much of it while the run's last
 * frames wait (issue #17 item 6). Same rules as a schema would say: required fields of the right type, else
 * the frame is dropped; unknown fields are not kept.
 */
const hot: { [K in HotType]: (data: Record<string, unknown>) => Data<K> | null } = {
  status: (d) => {
    const sid = optional(d.sid, isString)
    if (sid === false) return null
    // A status without a readable queue length still says the server is alive: it counts as an empty queue.
    const info = isObject(d.status) && isObject(d.status.exec_info) ? d.status.exec_info : null
    const remaining = info !== null && isNumber(info.queue_remaining) ? info.queue_remaining : 0
    return { status: { exec_info: { queue_remaining: remaining } }, ...defined('sid', sid) }
  },
  execution_start: (d) => promptEvent(d),
  execution_success: (d) => promptEvent(d),
  execution_cached: (d) => {
    const event = promptEvent(d)
    if (event === null || !Array.isArray(d.nodes) || !d.nodes.every(isId)) return null
    return { prompt_id: event.prompt_id, nodes: d.nodes, ...defined('timestamp', event.timestamp) }
  },
  executing: (d) => {
    const displayNode = optional(d.display_node, isString)
    const promptId = optional(d.prompt_id, isId)
    if (!(d.node === null || isId(d.node)) || displayNode === false || promptId === false) return null
    return { node: d.node, ...defined('display_node', displayNode), ...defined('prompt_id', promptId) }
  },
  progress: (d) => {
    const promptId = optional(d.prompt_id, isId)
    const node = d.node === null ? undefined : optional(d.node, isId)
    if (!isNumber(d.value) || !isNumber(d.max) || promptId === false || node === false) return null
    return { value: d.value, max: d.max, ...defined('prompt_id', promptId), ...defined('node', node) }
  },
}

const isString = (v: unknown): v is string => typeof v === 'string'
const isId = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_ID
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** An optional field: undefined when absent, false when present with the wrong type (the frame is dropped). */
function optional<T>(value: unknown, is: (v: unknown) => v is T): T | undefined | false {
  if (value === undefined) return undefined
  return is(value) ? value : false
}

/** `{ [key]: value }`, or nothing for an absent value: a parsed frame has no keys the server did not send. */
function defined<K extends string, T>(key: K, value: T | undefined): { [P in K]?: T } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: T }
}

function promptEvent(d: Record<string, unknown>): { prompt_id: string; timestamp?: number } | null {
  const timestamp = optional(d.timestamp, isNumber)
  if (!isId(d.prompt_id) || timestamp === false) return null
  return { prompt_id: d.prompt_id, ...defined('timestamp', timestamp) }
}

const READ = new Set<string>([...Object.keys(schemas), ...Object.keys(hot)])

/**
 * The type of a frame as ComfyUI writes it (`{"type": "progress_state", ...}`, json.dumps's first key), or
 * null when it is written some other way. A type the engine does not read is dropped without parsing the
 * frame: `progress_state` comes with each step and names every node of the graph.
 */
function leadingType(text: string): string | null {
  const start = text.startsWith('{"type": "') ? 10 : text.startsWith('{"type":"') ? 9 : -1
  if (start < 0) return null
  const end = text.indexOf('"', start)
  return end < 0 ? null : text.slice(start, end)
}

/** One text frame, or null when it is not JSON, not a frame type we read, or not shaped as that type. */
export function parseMessage(text: string): WsMessage | null {
  const leading = leadingType(text)
  if (leading !== null && !READ.has(leading)) return null
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  if (!isObject(value)) return null
  const { type, data } = value
  if (typeof type !== 'string') return null
  if (Object.hasOwn(hot, type)) {
    const parsed = isObject(data) ? hot[type as HotType](data) : null
    return parsed === null ? null : ({ type, data: parsed } as WsMessage)
  }
  if (!Object.hasOwn(schemas, type)) return null
  const parsed = schemas[type as SchemaType].safeParse(data)
  return parsed.success ? ({ type, data: parsed.data } as WsMessage) : null
}

/** An `execution_error` as a history entry's status messages carry it, with defaults for what it lacks. */
export function parseExecutionError(data: unknown): ExecutionErrorData | null {
  const parsed = executionError.safeParse(data)
  return parsed.success ? parsed.data : null
}

const previewMeta = z.object({
  node_id: id.nullish(),
  prompt_id: id.nullish(),
  image_type: z
    .string()
    .regex(/^image\/[a-z0-9.+-]+$/)
    .nullish(),
})

/** Binary frames: 4-byte BE event type; 1 = PREVIEW_IMAGE, 4 = PREVIEW_IMAGE_WITH_METADATA (protocol §7.6). */
export function decodePreview(frame: Buffer): PreviewFrame | null {
  if (frame.length < 8) return null
  const event = frame.readUInt32BE(0)
  if (event === 1) {
    const mime = frame.readUInt32BE(4) === 2 ? 'image/png' : 'image/jpeg'
    return { mime, bytes: frame.subarray(8), nodeId: null, promptId: null }
  }
  if (event !== 4) return null
  const length = frame.readUInt32BE(4)
  if (frame.length < 8 + length) return null
  let json: unknown
  try {
    json = JSON.parse(frame.subarray(8, 8 + length).toString('utf8'))
  } catch {
    return null
  }
  const meta = previewMeta.safeParse(json)
  if (!meta.success) return null
  return {
    mime: meta.data.image_type ?? 'image/jpeg',
    bytes: frame.subarray(8 + length),
    nodeId: meta.data.node_id ?? null,
    promptId: meta.data.prompt_id ?? null,
  }
}
