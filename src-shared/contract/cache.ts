/**
 * Inputs and outputs of the local cache (SQLite + content-addressed files), shared by main, the
 * headless API and tests.
 */
import type { RunSummary } from './bridge'
import type { ApiPrompt, NodeStatus, OutputRef, RunErrorInfo, RunState } from './runs'

/** A run as first recorded, when it is submitted. */
export interface NewRun {
  id: string
  workflowId: string
  name: string
  createdAt: number
  status?: RunState
  batchId?: string | null
  serverId?: string | null
  serverName?: string | null
  gpu?: string | null
  prompt: ApiPrompt
  /** The UI-format workflow, when the run came from one. */
  workflow?: unknown
  positive?: string | null
  negative?: string | null
  seed?: number | null
  models?: string[]
  attempt?: number
}

export interface NewBatch {
  id: string
  name: string
  total: number
  createdAt: number
}

/** A status change while a run is alive (assigned, started, retried, …). Absent fields are kept. */
export interface RunStatusPatch {
  status: RunState
  startedAt?: number | null
  serverId?: string | null
  serverName?: string | null
  gpu?: string | null
  attempt?: number
  error?: RunErrorInfo | null
}

export interface RunProgressPatch {
  progress: number
  currentNode: { id: string; classType: string } | null
  nodeProgress: { value: number; max: number } | null
  nodes?: Record<string, NodeStatus>
}

/** The end of a run: its final state and the outputs the worker already put in the blob store. */
export interface RunFinish {
  status: 'completed' | 'failed' | 'cancelled'
  finishedAt: number
  outputs: OutputRef[]
  error?: RunErrorInfo | null
  /** Per-node states with their timings. */
  nodes?: Record<string, NodeStatus>
  serverId?: string | null
  serverName?: string | null
  gpu?: string | null
  startedAt?: number | null
  /** The ComfyUI prompt_id and Temporal attempt that produced the result. */
  promptId?: string | null
  attempt?: number
}

/** Everything the cache holds about one run. */
export interface CachedRun extends RunSummary {
  prompt: ApiPrompt
  workflow: unknown
  nodes: Record<string, NodeStatus>
  outputs: OutputRef[]
  attempt: number
  /** Known once the run finished (null for runs recorded before that was kept). */
  promptId: string | null
}

/** An image stored in the cache by content hash. */
export interface CachedImage {
  hash: string
  format: string
  width: number | null
  height: number | null
  bytes: number
}
