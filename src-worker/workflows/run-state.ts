/** The `get_status` / `get_events` state of one run, and the pure updates the workflow applies to it. */
import type { ApiPrompt, NodeState, NodeStatus, RunEvent, RunStatus } from '../../src-shared/contract/runs'
import type { ProgressUpdate } from '../shared'

/** get_events keeps the last this-many events, so a long run's state stays small. */
export const MAX_EVENTS = 500

export function initialStatus(runId: string, prompt: ApiPrompt): RunStatus {
  const nodes: Record<string, NodeStatus> = {}
  for (const [id, node] of Object.entries(prompt)) nodes[id] = { state: 'pending', class_type: node.class_type }
  return {
    run_id: runId,
    status: 'pending',
    server: null,
    prompt_id: null,
    attempt: 0,
    current_node: null,
    progress: 0,
    node_progress: null,
    nodes,
    started_at: null,
    finished_at: null,
    error: null,
    outputs: [],
  }
}

/** Applies a progress snapshot from the activity; older snapshots (lower seq within an attempt) are ignored. */
export function applyProgress(status: RunStatus, update: ProgressUpdate, now: number): void {
  if (status.status === 'completed' || status.status === 'failed' || status.status === 'cancelled') return
  status.status = update.state
  status.server = update.server
  status.prompt_id = update.promptId
  status.attempt = update.attempt
  status.current_node = update.currentNode
  status.progress = update.progress
  status.node_progress = update.nodeProgress
  if (update.startedAt !== null && status.started_at === null) status.started_at = update.startedAt
  for (const [id, state] of Object.entries(update.nodes)) applyNodeState(status, id, state, now)
  if (update.currentNode !== null && update.nodeProgress !== null) {
    const node = status.nodes[update.currentNode.id]
    if (node !== undefined) {
      node.value = update.nodeProgress.value
      node.max = update.nodeProgress.max
    }
  }
}

function applyNodeState(status: RunStatus, id: string, state: NodeState, now: number): void {
  const node = status.nodes[id]
  if (node === undefined || node.state === state) return
  if (state === 'running' && node.started_at === undefined) node.started_at = now
  if ((state === 'done' || state === 'cached' || state === 'error') && node.finished_at === undefined) {
    node.finished_at = now
  }
  node.state = state
}

/** Appends events, keeping only the newest MAX_EVENTS. */
export function appendEvents(events: RunEvent[], incoming: RunEvent[]): void {
  events.push(...incoming)
  if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS)
}
