/**
 * Parses what a ComfyUI server sends on /ws into the typed messages the engine folds. A server is not
 * trusted to send well-formed frames (a bug, a custom node, a hostile host): a frame whose fields are not
 * what the type says is dropped here, so no listener ever sees `nodes: 5` or a preview without metadata.
 * An `execution_error` is kept with defaults for what it lacks (an error without a traceback is still
 * the run's error). Frame types the engine does not read are dropped.
 */
import { z } from 'zod'
import type { ExecutionErrorData, PreviewFrame, WsMessage } from './types'

const id = z.string().max(1_000)
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

const schemas = {
  status: z.object({
    status: z.object({ exec_info: z.object({ queue_remaining: z.number().catch(0) }) }).catch({
      exec_info: { queue_remaining: 0 },
    }),
    sid: z.string().optional(),
  }),
  execution_start: z.object({ prompt_id: id, timestamp: time }),
  execution_cached: z.object({ prompt_id: id, nodes: z.array(id), timestamp: time }),
  executing: z.object({ node: id.nullable(), display_node: z.string().optional(), prompt_id: id.optional() }),
  progress: z.object({
    value: z.number(),
    max: z.number(),
    prompt_id: id.optional(),
    node: id.nullish().transform((v) => v ?? undefined),
  }),
  executed: z.object({
    node: id,
    display_node: z.string().optional(),
    output: z.record(z.string(), z.unknown()).nullable().catch(null),
    prompt_id: id,
  }),
  execution_success: z.object({ prompt_id: id, timestamp: time }),
  execution_error: executionError,
  execution_interrupted: z.object({
    prompt_id: id,
    node_id: id.catch(''),
    node_type: z.string().catch('unknown'),
    executed: strings,
    timestamp: time.catch(undefined),
  }),
} satisfies Partial<Record<WsMessage['type'], z.ZodType>>

type KnownType = keyof typeof schemas

/** One text frame, or null when it is not JSON, not a frame type we read, or not shaped as that type. */
export function parseMessage(text: string): WsMessage | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const { type, data } = value as { type?: unknown; data?: unknown }
  if (typeof type !== 'string' || !Object.hasOwn(schemas, type)) return null
  const parsed = schemas[type as KnownType].safeParse(data)
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
