/**
 * A server's shapes as the API answers them, as schemas (see runs.ts for why answers are plain
 * objects): the types are inferred from them and the SDK parses answers with them.
 */
import { z } from 'zod'

/** A ComfyUI server as the user registered it (persisted). */
export const ServerConfigSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Normalised base URL, `http(s)://host:port` without a trailing slash. */
  address: z.string(),
  enabled: z.boolean(),
  /** Finish the runs it has, take no new ones. */
  draining: z.boolean(),
  /** How many prompts may be on this server at once (running + pre-queued). */
  slots: z.number(),
  tags: z.array(z.string()),
  createdAt: z.number(),
  updatedAt: z.number(),
})

export const HealthStateSchema = z.enum(['unknown', 'online', 'degraded', 'offline'])

export const GpuDeviceSchema = z.object({
  name: z.string(),
  type: z.string(),
  vramTotal: z.number(),
  vramFree: z.number(),
})

export const ServerHealthSchema = z.object({
  state: HealthStateSchema,
  device: GpuDeviceSchema.nullable(),
  /** `exec_info.queue_remaining` as the server reports it (all clients, not only ours). */
  queueRemaining: z.number().nullable(),
  latencyMs: z.number().nullable(),
  lastSeenAt: z.number().nullable(),
  /** Why the server is offline or degraded, in words. */
  error: z.string().nullable(),
  comfyuiVersion: z.string().nullable(),
})

/** Everything the UI and the worker need to know about one server. */
export const ServerViewSchema = ServerConfigSchema.extend({
  health: ServerHealthSchema,
  slotsInUse: z.number(),
  currentRunIds: z.array(z.string()),
  /** Measured relative speed (1 = reference); null until measured. */
  speed: z.number().nullable(),
  hasCapabilities: z.boolean(),
})

export type ServerConfig = z.infer<typeof ServerConfigSchema>
export type HealthState = z.infer<typeof HealthStateSchema>
export type GpuDevice = z.infer<typeof GpuDeviceSchema>
export type ServerHealth = z.infer<typeof ServerHealthSchema>
export type ServerView = z.infer<typeof ServerViewSchema>

/** What a server can run, from its /object_info (internal: no API answers with it). */
export interface ServerCapabilities {
  nodeClasses: string[]
  /** Input enum values per `class_type.input_name`, for model-name checks (e.g. `CheckpointLoaderSimple.ckpt_name`). */
  enums: Record<string, string[]>
  fetchedAt: number
}
