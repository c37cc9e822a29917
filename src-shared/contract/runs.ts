/** A ComfyUI API-format prompt: node id → node. */
export type ApiPrompt = Record<string, ApiNode>

export interface ApiNode {
  class_type: string
  inputs: Record<string, unknown>
  _meta?: { title?: string }
}

export type RunState = 'pending' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled'
export type NodeState = 'pending' | 'cached' | 'running' | 'done' | 'error'

export interface RetryPolicyInput {
  initialIntervalMs?: number
  backoffCoefficient?: number
  maximumIntervalMs?: number
  maximumAttempts?: number
}

export interface RunOptions {
  /** Lower runs first (1..5, default 3), as Temporal's priority keys. */
  priority?: number
  retry?: RetryPolicyInput
  /** Restrict to these server ids (empty/undefined: any capable server). */
  servers?: string[]
}

/** Where an output image lives in the content-addressed cache. */
export interface OutputRef {
  /** sha256 of the file bytes, hex. */
  hash: string
  nodeId: string
  /** Name and place the server gave it (metadata only, never used as a path). */
  filename: string
  subfolder: string
  type: 'output' | 'temp' | 'input'
  format: string
  width: number | null
  height: number | null
  bytes: number
}

export interface RunErrorInfo {
  kind: 'validation' | 'execution' | 'unavailable' | 'cancelled' | 'internal'
  message: string
  nodeId?: string
  classType?: string
  exceptionType?: string
  /** Per-node validation errors as ComfyUI reports them. */
  nodeErrors?: Record<string, { classType: string; messages: string[] }>
}

export interface NodeStatus {
  state: NodeState
  class_type: string
  started_at?: number
  finished_at?: number
  value?: number
  max?: number
  error?: string
}

/**
 * The answer of the public `get_status` query. snake_case because it is a public shape that
 * Python scripts and AI agents read (the seed gateway's `state['current_node']`).
 */
export interface RunStatus {
  run_id: string
  status: RunState
  server: { id: string; name: string; address: string } | null
  prompt_id: string | null
  attempt: number
  current_node: { id: string; class_type: string } | null
  /** 0–1 over the whole graph. */
  progress: number
  node_progress: { value: number; max: number } | null
  nodes: Record<string, NodeStatus>
  started_at: number | null
  finished_at: number | null
  error: RunErrorInfo | null
  outputs: OutputRef[]
}

/** One ComfyUI event seen by a run (`get_events`), without image bytes. */
export interface RunEvent {
  type: string
  time: number
  data: Record<string, unknown>
}
