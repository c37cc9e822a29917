/** A ComfyUI server as the user registered it (persisted). */
export interface ServerConfig {
  id: string
  name: string
  /** Normalised base URL, `http(s)://host:port` without a trailing slash. */
  address: string
  enabled: boolean
  /** Finish the runs it has, take no new ones. */
  draining: boolean
  /** How many prompts may be on this server at once (running + pre-queued). */
  slots: number
  tags: string[]
  createdAt: number
  updatedAt: number
}

export type HealthState = 'unknown' | 'online' | 'degraded' | 'offline'

export interface GpuDevice {
  name: string
  type: string
  vramTotal: number
  vramFree: number
}

export interface ServerHealth {
  state: HealthState
  device: GpuDevice | null
  /** `exec_info.queue_remaining` as the server reports it (all clients, not only ours). */
  queueRemaining: number | null
  latencyMs: number | null
  lastSeenAt: number | null
  /** Why the server is offline or degraded, in words. */
  error: string | null
  comfyuiVersion: string | null
}

/** What a server can run, from its /object_info. */
export interface ServerCapabilities {
  nodeClasses: string[]
  /** Input enum values per `class_type.input_name`, for model-name checks (e.g. `CheckpointLoaderSimple.ckpt_name`). */
  enums: Record<string, string[]>
  fetchedAt: number
}

/** Everything the UI and the worker need to know about one server. */
export interface ServerView extends ServerConfig {
  health: ServerHealth
  slotsInUse: number
  currentRunIds: string[]
  /** Measured relative speed (1 = reference); null until measured. */
  speed: number | null
  hasCapabilities: boolean
}
