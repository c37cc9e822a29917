/**
 * The node-state fold: how a run's per-node states and timings advance, written once for every process
 * (the worker's live fold, the workflow's get_status, main's live runs and final rows, the renderer).
 *
 * Node ids come from the prompt and from whatever a ComfyUI server sends, so every record here is
 * null-prototype and every lookup is an own-key lookup: an id such as "constructor" or "__proto__" is a
 * plain key, never Object.prototype's member (a server once crashed main with `executed` for "constructor").
 * Pure and import-free apart from types, so the sandboxed workflow bundle can use it.
 */
import type { NodeState, NodeStatus } from '../contract/runs'

export type NodeMap = Record<string, NodeStatus>

/** A record without a prototype: any string is a safe key, reading and writing. */
export function safeRecord<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const out = Object.create(null) as Record<string, T>
  for (const [key, value] of entries) out[key] = value
  return out
}

/** The value of an own key only (never an inherited member such as `constructor`). */
export function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined
}

export function hasOwnKey(record: Record<string, unknown>, key: string): boolean {
  return Object.hasOwn(record, key)
}

/** A node that stopped, successfully or not: its finish time is stamped. */
export function isSettled(state: NodeState): boolean {
  return state === 'done' || state === 'cached' || state === 'error'
}

/** What one live update says about one node; a `RunProgressEvent` is one. */
export interface NodeChange {
  nodeState: NodeState | null
  classType: string | null
  value: number | null
  max: number | null
}

/**
 * One node's next status: start and finish times are stamped once, at the first change into that state.
 * Generic so a caller may pass a whole event (a `RunProgressEvent`) that carries more than the change.
 */
export function nextNodeStatus<C extends NodeChange>(prev: NodeStatus | undefined, change: C, now: number): NodeStatus {
  const state = change.nodeState ?? prev?.state ?? 'running'
  const next: NodeStatus = { ...(prev ?? { class_type: change.classType ?? '?' }), state }
  if (change.classType) next.class_type = change.classType
  if (change.value != null) next.value = change.value
  if (change.max != null) next.max = change.max
  if (state === 'running' && next.started_at == null) next.started_at = now
  if (isSettled(state) && next.finished_at == null) next.finished_at = now
  return next
}

/**
 * ComfyUI executes a prompt's nodes one at a time: once another node starts, any node still marked
 * running has finished, at the latest when the new one started (`at`). Returns `nodes` itself when
 * nothing changed (so a UI store keeps its references), else a new record.
 */
export function finishOthers(nodes: NodeMap, runningId: string, at: number): NodeMap {
  let out = nodes
  for (const [id, n] of Object.entries(nodes)) {
    if (id === runningId || n.state !== 'running') continue
    if (out === nodes) out = safeRecord(Object.entries(nodes))
    out[id] = { ...n, state: 'done', finished_at: n.finished_at ?? Math.max(at, n.started_at ?? at) }
  }
  return out
}

/**
 * The same rule over bare states (the worker's fold of ComfyUI's `executing`): every node still running is
 * done, and `id` runs when it is one of the prompt's nodes. Returns whether `id` is known. Mutates `states`.
 */
export function startNodeState(states: Record<string, NodeState>, id: string | null): boolean {
  for (const [other, state] of Object.entries(states)) if (other !== id && state === 'running') states[other] = 'done'
  if (id === null || !Object.hasOwn(states, id)) return false
  states[id] = 'running'
  return true
}

/** Folds one node's change into a new record (a starting node finishes the one before it). */
export function applyNodeChange(nodes: NodeMap, id: string, change: NodeChange, now: number): NodeMap {
  const before = change.nodeState === 'running' ? finishOthers(nodes, id, own(nodes, id)?.started_at ?? now) : nodes
  const out = safeRecord(Object.entries(before))
  out[id] = nextNodeStatus(own(before, id), change, now)
  return out
}

/**
 * Folds a snapshot of states (the worker's `ProgressUpdate.nodes`) into known nodes only: an id the
 * prompt does not have is ignored, whatever the snapshot says.
 */
export function applyNodeStates(nodes: NodeMap, states: Record<string, NodeState>, now: number): NodeMap {
  const out = safeRecord(Object.entries(nodes))
  for (const [id, state] of Object.entries(states)) {
    const prev = own(out, id)
    if (prev === undefined || prev.state === state || !isNodeState(state)) continue
    out[id] = nextNodeStatus(prev, { nodeState: state, classType: null, value: null, max: null }, now)
  }
  return out
}

const NODE_STATES: readonly string[] = ['pending', 'cached', 'running', 'done', 'error']

export function isNodeState(value: unknown): value is NodeState {
  return typeof value === 'string' && NODE_STATES.includes(value)
}

/** The final node states (cached nodes included) with the start and finish times measured live. */
export function mergeNodes(live: NodeMap, final: NodeMap): NodeMap {
  const out = safeRecord(Object.entries(live))
  for (const [id, n] of Object.entries(final)) {
    const seen = own(live, id)
    out[id] = {
      ...n,
      ...(seen?.started_at ? { started_at: seen.started_at } : {}),
      ...(seen?.finished_at ? { finished_at: seen.finished_at } : {}),
    }
  }
  return out
}

/** A node's state once its prompt completed: every node not cached or failed ran, so it is done. */
export function completedState(state: NodeState): NodeState {
  return state === 'pending' || state === 'running' ? 'done' : state
}

/** The final node states of a run that ended with `status`; only a completed run settles its nodes. */
export function finalNodes(nodes: NodeMap, status: string): NodeMap {
  const out = safeRecord<NodeStatus>()
  for (const [id, n] of Object.entries(nodes)) {
    const state = status === 'completed' ? completedState(n.state) : n.state
    out[id] = state === n.state ? n : { ...n, state }
  }
  return out
}

/**
 * The state to show for a node. In a run that completed, a node with no event of its own was served
 * from ComfyUI's cache (execution_cached lists such nodes; every node an output needs either ran or was
 * cached). In an ended run nothing is still running: a node marked running finished before the end.
 */
export function shownNodeState(known: NodeState | undefined, runStatus: string | undefined): NodeState {
  const ended = runStatus === 'completed' || runStatus === 'failed'
  if (known === 'running' && ended) return 'done'
  if (known) return known
  return runStatus === 'completed' ? 'cached' : 'pending'
}

/** Progress as a number in [0, 1]: anything else (NaN from a hostile server's message) is 0. */
export function finiteProgress(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0
}
