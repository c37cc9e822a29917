/**
 * The live state of one open run as main sees it, folded from the worker's side channel (every step)
 * and from `get_status` snapshots (remote workers). Pure functions over a plain object, so the tracker
 * keeps only the wiring: cache writes, UI events and Temporal calls.
 */
import type { RunProgressEvent } from '../../src-shared/contract/bridge'
import type { NodeStatus, RunState, RunStatus } from '../../src-shared/contract/runs'
import { applyNodeChange, finiteProgress, own, safeRecord } from '../../src-shared/runs/node-states'

export interface LiveRun {
  workflowId: string
  status: RunState
  serverId: string | null
  progress: number
  currentNode: { id: string; classType: string } | null
  nodeProgress: { value: number; max: number } | null
  nodes: Record<string, NodeStatus>
  lastEventAt: number
  watched: boolean
  finalizing: boolean
  /** Ended in Temporal; only its end is still to be recorded (e.g. its output files to fetch). */
  closed: boolean
  /** The server's name as the run reported it (a remote worker's server is not in our fleet). */
  serverName: string | null
}

export function newLiveRun(workflowId: string, status: RunState, serverId: string | null): LiveRun {
  return {
    workflowId,
    status,
    serverId,
    progress: 0,
    currentNode: null,
    nodeProgress: null,
    nodes: safeRecord(),
    lastEventAt: 0,
    watched: false,
    finalizing: false,
    closed: false,
    serverName: null,
  }
}

/** What a side-channel event changed: the run's status or server, and/or a node's state. */
export interface LiveChange {
  statusChanged: boolean
  nodeChanged: boolean
}

/** Folds one side-channel event into `live` (the run is running on `e.serverId`). */
export function applyProgressEvent(
  live: LiveRun,
  e: RunProgressEvent & { serverId: string | null },
  now: number
): LiveChange {
  const nodeChanged = e.nodeId !== null && own(live.nodes, e.nodeId)?.state !== e.nodeState
  // The engine says whether the prompt runs or waits in the server's queue (older workers: running).
  const status = e.runState ?? 'running'
  const statusChanged = live.status !== status || live.serverId !== e.serverId
  live.lastEventAt = now
  live.status = status
  live.serverId = e.serverId
  live.progress = finiteProgress(e.progress)
  live.currentNode = e.nodeId && e.classType ? { id: e.nodeId, classType: e.classType } : live.currentNode
  live.nodeProgress = e.value !== null && e.max !== null ? { value: e.value, max: e.max } : null
  if (e.nodeId && e.nodeState) live.nodes = applyNodeChange(live.nodes, e.nodeId, e, now)
  return { statusChanged, nodeChanged }
}

/** Folds a `get_status` snapshot of a still-open run; true when its status or server changed. */
export function applyStatusSnapshot(live: LiveRun, s: RunStatus): boolean {
  if (s.status === 'completed' || s.status === 'failed' || s.status === 'cancelled') return false
  const changed = live.status !== s.status || live.serverId !== (s.server?.id ?? null)
  live.status = s.status
  live.serverId = s.server?.id ?? null
  live.serverName = s.server?.name ?? null
  live.progress = finiteProgress(s.progress)
  live.currentNode = s.current_node ? { id: s.current_node.id, classType: s.current_node.class_type } : null
  live.nodeProgress = s.node_progress
  live.nodes = safeRecord([...Object.entries(live.nodes), ...Object.entries(s.nodes)])
  return changed
}
