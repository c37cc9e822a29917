/** Public types of the simulator's programmatic API (re-exported from sim/index.ts). */
import type { VramModel } from './exec/model-cache'

export type { VramModel } from './exec/model-cache'

/** Options of one simulated ComfyUI server. */
export interface SimServerOptions {
  /** 0 = ephemeral (default). */
  port?: number
  /** Default '127.0.0.1'. */
  host?: string
  /** E.g. 'gpu-0'. */
  name?: string
  /** Speed factor (2 = twice as fast), default 1. */
  speed?: number
  device?: { name: string; vramTotal: number; vramFree?: number }
  /** Model folder ('checkpoints', 'loras', 'vae', 'controlnet', 'upscale_models', 'unet', 'clip', …) → names. */
  models?: Partial<Record<string, string[]>>
  /** At speed 1: per sampler step (default 10), any other node (default 1), first load of a model (default 30). */
  timing?: { stepMs?: number; nodeMs?: number; loadMs?: number }
  /**
   * A model cache bounded by `device.vramTotal` (LRU eviction, load time per GB); unset = unbounded,
   * each model's first load costs `timing.loadMs`.
   */
  vram?: VramModel
  /** Binary preview frames during sampling. */
  previews?: boolean
  /** Newer-server behaviour: 400 invalid_prompt_id for non-UUID ids, 409 on duplicate. */
  uuidPromptIds?: boolean
  /** Holds output/ input/ temp/ (default: a new temp dir). */
  dataDir?: string
  /**
   * Like ComfyUI's --enable-cors-header [ORIGIN]: adds CORS headers and disables the Host/Origin check.
   * Undefined = ComfyUI's default origin-only middleware (403 when a loopback Host and the Origin differ).
   */
  enableCorsHeader?: string
  /**
   * Newer-server WebSocket bookkeeping: a closing socket only unregisters itself. Default false = the
   * baseline's behaviour, where an old socket closing after a reconnect with the same clientId
   * unregisters the new one (which then receives nothing).
   */
  perConnectionWsCleanup?: boolean
  /** The `comfyui_version` /system_stats reports (default the baseline's, 0.3.64). */
  comfyuiVersion?: string
  /**
   * Older servers (before 2025-07-14, ComfyUI PR #8189): the `prompt_id` of POST /prompt is ignored and the
   * server makes its own, which it answers with.
   */
  ignoreClientPromptId?: boolean
  /**
   * Older servers (before 2025-09-02, ComfyUI PR #9607): POST /interrupt ignores its body and interrupts
   * whatever is running.
   */
  globalInterruptOnly?: boolean
}

/** Faults a test can inject. */
export interface SimFaults {
  /** Accept connections but never answer HTTP; WS silent; execution frozen. */
  hang: boolean
  /** Extra latency added to every HTTP answer. */
  slowMs: number
  /** execution_error when a matching node runs (e.g. exceptionType 'torch.OutOfMemoryError'). */
  errorAtNode: { classType?: string; nodeId?: string; exceptionType: string; message: string } | null
  /** POST /prompt answers 503. */
  refusePrompt: boolean
  /**
   * Save nodes also return a UI `text` of this many characters (0: none), in their `executed` message
   * and history output, as text, caption and "Preview Any" nodes do: an oversized event.
   */
  uiTextChars: number
  /** Extra latency of GET /queue only (a server with a long queue deep-copies it under a lock per request). */
  slowQueueMs: number
  /** Extra latency of GET /history and /history/{id} only. */
  slowHistoryMs: number
  /** Extra latency of the answer to POST /prompt only (the prompt is queued at once, as on a busy server). */
  slowPostPromptMs: number
  /** Extra latency of GET /view only (output files on a slow disk or link). */
  slowViewMs: number
  /**
   * The history entry is written this long after execution_success (the prompt stays in queue_running
   * meanwhile), as a loaded real server does: its task_done runs after the message is sent.
   */
  historyDelayMs: number
  /** Finished prompts get no history entry (cleared by another user, evicted, lost in a restart). */
  forgetHistory: boolean
  /** Hostile: GET /history/{id} answers a successful entry for ANY prompt id, with an image it never made. */
  spoofHistory: boolean
  /**
   * Save nodes' files carry this many more bytes (an extra text chunk), as a PNG with a large workflow
   * embedded or a video does: an output far larger than an image of a run.
   */
  outputPadBytes: number
}

/** Counters a test or benchmark reads. */
export interface SimStats {
  /** prompt_id → times executed TO COMPLETION (success) on this server. */
  executions: Record<string, number>
  /** prompt_id → times execution started. */
  started: Record<string, number>
  accepted: number
  completed: number
  failed: number
  interrupted: number
  /** Pending prompts. */
  queueLength: number
  /** prompt_id running now. */
  running: string | null
  /** Total time executing. */
  busyMs: number
  /** File name → GET /view requests that answered it. */
  views: Record<string, number>
  /** [startEpochMs, endEpochMs] per execution. */
  busyIntervals: Array<[number, number]>
  /** Per finished execution: when, which models it used, and the model loads it paid (for Gantt charts). */
  timeline: SimRunSpan[]
}

/** One execution on a simulated GPU, as the scheduling benchmark charts it. */
export interface SimRunSpan {
  promptId: string
  start: number
  end: number
  status: 'success' | 'error' | 'interrupted'
  /** Model file names its loaders used. */
  models: string[]
  /** Loads it paid: epoch ms when each began and how long it took at this GPU's speed. */
  loads: Array<{ model: string; at: number; ms: number }>
}

/** Options of startFarm. */
export interface SimFarmOptions {
  servers: number
  basePort?: number
  speeds?: number[]
  timing?: SimServerOptions['timing']
  previews?: boolean
  models?: Array<SimServerOptions['models']>
  /** Per server: VRAM in GB (default: the GPU table's card). */
  vramGb?: number[]
  /** Model sizes and load rate shared by the farm (see SimServerOptions.vram). */
  vram?: VramModel
}

/** The default fault set (no faults). */
export function noFaults(): SimFaults {
  return {
    hang: false,
    slowMs: 0,
    errorAtNode: null,
    refusePrompt: false,
    uiTextChars: 0,
    slowQueueMs: 0,
    slowHistoryMs: 0,
    slowPostPromptMs: 0,
    slowViewMs: 0,
    historyDelayMs: 0,
    forgetHistory: false,
    spoofHistory: false,
    outputPadBytes: 0,
  }
}
