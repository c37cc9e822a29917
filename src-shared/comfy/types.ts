/**
 * ComfyUI wire types (HTTP + WebSocket), as read from ComfyUI's server.py / execution.py
 * (see shared/reference/comfyui-protocol.md §2–§7). Only the fields the orchestrator reads are typed.
 */
import type { ApiPrompt } from '../contract/runs'
import type { GpuDevice } from '../contract/servers'

/** A queue item: `[number, prompt_id, prompt, extra_data, outputs_to_execute]`. */
export type QueueItem = [number, string, ApiPrompt, Record<string, unknown>, string[], ...unknown[]]

export interface QueueResponse {
  queue_running: QueueItem[]
  queue_pending: QueueItem[]
}

export interface ImageRef {
  filename: string
  subfolder: string
  type: 'output' | 'temp' | 'input'
}

export type NodeOutput = Record<string, unknown> & { images?: ImageRef[] }

export interface HistoryEntry {
  prompt: QueueItem
  outputs: Record<string, NodeOutput>
  status: {
    status_str: 'success' | 'error'
    completed: boolean
    messages: [string, Record<string, unknown>][]
  }
  meta?: Record<string, unknown>
}

export interface PostPromptBody {
  prompt: ApiPrompt
  client_id: string
  prompt_id: string
  extra_data?: Record<string, unknown>
  number?: number
  front?: boolean
}

export interface NodeErrorReason {
  type: string
  message: string
  details: string
  extra_info?: Record<string, unknown>
}

export interface NodeErrors {
  [nodeId: string]: { errors: NodeErrorReason[]; dependent_outputs: string[]; class_type: string }
}

export interface PromptErrorBody {
  error: { type: string; message: string; details: string; extra_info?: Record<string, unknown> } | string
  node_errors?: NodeErrors
}

export interface ExecutionErrorData {
  prompt_id: string
  node_id: string
  node_type: string
  executed: string[]
  exception_message: string
  exception_type: string
  traceback: string[]
  timestamp?: number
}

/** Text frames on /ws, discriminated by `type`. Unknown types are kept as `other`. */
export type WsMessage =
  | { type: 'status'; data: { status: { exec_info: { queue_remaining: number } }; sid?: string } }
  | { type: 'execution_start'; data: { prompt_id: string; timestamp?: number } }
  | { type: 'execution_cached'; data: { prompt_id: string; nodes: string[]; timestamp?: number } }
  | { type: 'executing'; data: { node: string | null; display_node?: string; prompt_id?: string } }
  | { type: 'progress'; data: { value: number; max: number; prompt_id?: string; node?: string } }
  | { type: 'progress_state'; data: { prompt_id: string; nodes: Record<string, ProgressStateNode> } }
  | { type: 'executed'; data: { node: string; display_node?: string; output: NodeOutput | null; prompt_id: string } }
  | { type: 'execution_success'; data: { prompt_id: string; timestamp?: number } }
  | { type: 'execution_error'; data: ExecutionErrorData }
  | {
      type: 'execution_interrupted'
      data: { prompt_id: string; node_id: string; node_type: string; executed: string[]; timestamp?: number }
    }
  | { type: 'feature_flags'; data: Record<string, unknown> }

export interface ProgressStateNode {
  value: number
  max: number
  state: 'pending' | 'running' | 'finished' | 'error'
  node_id: string
  prompt_id: string
  display_node_id?: string
}

/** A binary preview frame (type 1 or 4), decoded. */
export interface PreviewFrame {
  mime: string
  bytes: Buffer
  nodeId: string | null
  promptId: string | null
}

/** /system_stats as checked by `parseSystemStats` (the wire shape is `{system: {...}, devices: [...]}`). */
export interface SystemStats {
  device: GpuDevice | null
  comfyuiVersion: string | null
  /** Changes when the server is restarted with other options; part of its identity. */
  argv: string[]
}

/** /object_info: class name → node definition (only what capability checks read). */
export type ObjectInfo = Record<
  string,
  {
    input: {
      required?: Record<string, unknown[]>
      optional?: Record<string, unknown[]>
      hidden?: Record<string, unknown>
    }
    output_node?: boolean
    display_name?: string
  }
>
