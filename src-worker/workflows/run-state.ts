/** The `get_status` / `get_events` state of one run, and the pure updates the workflow applies to it. */
import type { ApiPrompt, NodeStatus, RunEvent, RunStatus } from '../../src-shared/contract/runs'
import { applyNodeStates, finalNodes, finiteProgress, own, safeRecord } from '../../src-shared/runs/node-states'
import type { ProgressUpdate } from '../shared'

/** get_events keeps the last this-many events, so a long run's state stays small. */
export const MAX_EVENTS = 500

export function initialStatus(runId: string, prompt: ApiPrompt): RunStatus {
  const nodes = safeRecord<NodeStatus>(
    Object.entries(prompt).map(([id, node]) => [id, { state: 'pending', class_type: node.class_type }] as const)
  )
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
  status.progress = finiteProgress(update.progress)
  status.node_progress = update.nodeProgress
  if (update.startedAt !== null && status.started_at === null) status.started_at = update.startedAt
  status.nodes = applyNodeStates(status.nodes, update.nodes, now)
  if (update.currentNode !== null && update.nodeProgress !== null) {
    const node = own(status.nodes, update.currentNode.id)
    if (node !== undefined) {
      node.value = update.nodeProgress.value
      node.max = update.nodeProgress.max
    }
  }
}

/** The run completed: its nodes settle by the shared rule (pending and running ones ran). */
export function completeNodes(status: RunStatus): void {
  status.nodes = finalNodes(status.nodes, 'completed')
}

/** Appends events, keeping only the newest MAX_EVENTS. */
export function appendEvents(events: RunEvent[], incoming: RunEvent[]): void {
  events.push(...incoming)
  if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS)
}
