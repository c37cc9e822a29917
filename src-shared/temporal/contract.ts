/**
 * The Temporal contract of the run engine: workflow type names and function types, payload shapes,
 * task queue and retry defaults, shared by the workflows, the activities and every client (main
 * process, SDK, CLI, Python scripts). Signal and query definitions are in ./messages.ts.
 * No Node built-ins and no runtime imports: the workflow sandbox imports this file.
 */
import type { InputAxis } from '../comfy/input-edits'
import type {
  ApiPrompt,
  NodeState,
  NodeStatus,
  OutputRef,
  RetryPolicyInput,
  RunErrorInfo,
  RunEvent,
  RunOptions,
  RunState,
} from '../contract/runs'

export const DEFAULT_TASK_QUEUE = 'comfyfleet'

/**
 * Where the execute activity of an urgent run (priority key below the default) goes: its own task queue,
 * polled by every worker with a few permits of its own. On the main queue it would wait for a permit
 * that look-ahead runs hold until a run ends somewhere (a worker cannot see a task's priority before it
 * polls), then for the running prompt: two waits instead of one (issue #17, S6).
 */
export function urgentTaskQueue(taskQueue: string): string {
  return `${taskQueue}-urgent`
}

/**
 * Workflow type names: the export names in src-worker/workflows/index.ts. Recorded histories and
 * visibility queries (`WorkflowType = '...'`) name them, so they never change.
 */
export const RUN_WORKFLOW = 'comfyRunWorkflow'
export const BATCH_WORKFLOW = 'comfyBatchWorkflow'

/**
 * The workflow functions' types: clients start and await by these (`workflow.start<ComfyRunWorkflow>`)
 * without importing the implementation, which is annotated with them, so drift is a compile error.
 */
export type ComfyRunWorkflow = (input: RunWorkflowInput) => Promise<RunResult>
export type ComfyBatchWorkflow = (input: BatchWorkflowInput) => Promise<BatchStatus>

/** Run options the engine fills in when a run does not say. */
export const DEFAULT_RETRY: Required<RetryPolicyInput> = {
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 30_000,
  maximumAttempts: 10,
}

/** Heartbeat timeout of the execute activity: how fast a killed worker is noticed. */
export const HEARTBEAT_TIMEOUT_MS = 5_000

export interface RunWorkflowInput {
  runId: string
  prompt: ApiPrompt
  options?: RunOptions
  /** Written by SaveImage into the PNG (ComfyUI's extra_data.extra_pnginfo), e.g. `{ workflow: <UI graph> }`. */
  extraPnginfo?: Record<string, unknown>
  name?: string
  batchId?: string | null
  /** Index within the batch (child workflows only). */
  batchIndex?: number
  /** Set by the client when ComfyFleet's custom search attributes exist on the namespace. */
  searchAttributes?: boolean
}

export interface RunResult {
  runId: string
  promptId: string
  serverId: string
  serverName: string
  /**
   * The ComfyUI server's base URL: a desktop on another host fetches the output files from its /view
   * (no shared disk). Absent in results of older versions.
   */
  serverAddress?: string
  attempt: number
  /** Every output, or the first INLINE_OUTPUTS when `outputsRef` is set. */
  outputs: OutputRef[]
  /** Set when the list was too long to carry: the full count, and the payload store hash of the list. */
  outputCount?: number
  outputsRef?: string
  startedAt: number | null
  finishedAt: number
  /**
   * The final node states and ComfyUI events, so whoever reads the result needs no query (a query on a
   * closed workflow replays its whole history on a worker). Absent in results of older versions.
   */
  nodes?: Record<string, NodeStatus>
  events?: RunEvent[]
}

/** What the execute activity is asked to do. */
export interface ExecuteInput {
  runId: string
  promptId: string
  prompt: ApiPrompt
  extraPnginfo?: Record<string, unknown>
  servers?: string[]
  /** Never place on these (e.g. the server that ran out of memory). */
  excludeServers?: string[]
  /** Only servers with more free VRAM than this (bytes): the OOM retry. */
  minVramFree?: number | null
}

/** What the execute activity returns: where it ran and the stored outputs (never image bytes). */
export interface ExecuteResult {
  promptId: string
  serverId: string
  serverName: string
  serverAddress: string
  attempt: number
  outputs: OutputRef[]
  outputCount?: number
  outputsRef?: string
  startedAt: number | null
  finishedAt: number
  /** Events not yet signalled (the end of the run), so success costs no extra signal. */
  events: RunEvent[]
}

/** The activities the workflows call; implemented by `createActivities` in src-worker/activities. */
export interface EngineActivities {
  executePrompt(input: ExecuteInput): Promise<ExecuteResult>
  /**
   * Asks Temporal to cancel a workflow (a local activity: a workflow may not cancel itself with a
   * command, so the `cancel` signal goes through this to end the run as Canceled).
   */
  requestCancel(workflowId: string): Promise<void>
}

/** Details of an out-of-memory failure that may be retried once on a server with more free VRAM. */
export interface OomDetails {
  serverId: string
  vramFree: number | null
}

/** Heartbeat details of the execute activity: where the prompt was placed, recorded BEFORE it is posted. */
export interface PlacementRecord {
  serverId: string
  address: string
  promptId: string
  clientId: string
  /** Set when an old server (before ComfyUI PR #8189) ignored our prompt_id and made its own. */
  serverPromptId?: string
  /**
   * The prompt's end as its WebSocket reported it, kept when the result did not come from the server's
   * history (none was written, or none was read: the socket saw the whole run), so a later attempt does not
   * run a prompt that already succeeded. A history entry's shape (outputs, status).
   */
  endedWithoutHistory?: unknown
}

/** Internal signal from the activity to its workflow: a full snapshot, so a lost one costs nothing. */
export interface ProgressUpdate {
  seq: number
  attempt: number
  state: Extract<RunState, 'queued' | 'running'>
  server: { id: string; name: string; address: string } | null
  promptId: string
  currentNode: { id: string; class_type: string } | null
  progress: number
  nodeProgress: { value: number; max: number } | null
  nodes: Record<string, NodeState>
  startedAt: number | null
  events: RunEvent[]
}

/** Failure types the activity throws (ApplicationFailure.type). */
export const FAILURE = {
  validation: 'ComfyValidationError',
  execution: 'ComfyExecutionError',
  oomRetry: 'ComfyOutOfMemoryRetry',
  unavailable: 'ComfyServerUnavailable',
  interrupted: 'ComfyInterrupted',
  outputRefused: 'ComfyOutputRefused',
} as const

/* ---------- batches ---------- */

export type BatchSweep =
  | { kind: 'count'; count: number }
  | { kind: 'seeds'; from: number; to: number; nodeId?: string; inputName?: string }
  | { kind: 'values'; nodeId: string; inputName: string; values: unknown[] }
  | { kind: 'prompts'; prompts: ApiPrompt[] }
  /** "Vary any input": one run per combination of the axes' values (small: the values, not the prompts). */
  | { kind: 'grid'; axes: InputAxis[] }

/** How many child runs a batch keeps open when its input does not say. */
export const DEFAULT_BATCH_WINDOW = 64

export interface BatchWorkflowInput {
  batchId: string
  name?: string
  prompt: ApiPrompt
  options?: RunOptions
  extraPnginfo?: Record<string, unknown>
  sweep: BatchSweep
  /** How many child runs may be open at once (the scheduler spreads them over the farm). */
  window?: number
  searchAttributes?: boolean
  /** Continue-as-new once history has this many events (default 1,500; tests use less). */
  historyBudget?: number
  /** Carried over continue-as-new. */
  carry?: BatchCarry
}

export interface BatchCarry {
  nextIndex: number
  completed: number
  failed: number
  cancelled: number
  open: number[]
  cancelRequested: boolean
}

export interface BatchStatus {
  batch_id: string
  status: RunState
  total: number
  completed: number
  failed: number
  cancelled: number
  running: number
  pending: number
  /** 0–1: finished children over total. */
  progress: number
}

export interface ChildDone {
  index: number
  status: Extract<RunState, 'completed' | 'failed' | 'cancelled'>
}

/** Workflow id of a batch's child run: stable, so a replayed or continued batch never starts a run twice. */
export function childWorkflowId(batchId: string, index: number): string {
  return `run-${batchId.replace(/^batch-/, '')}-${index}`
}

export type { RunErrorInfo }
