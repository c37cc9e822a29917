import type { NodeState } from '../../../../src-shared/contract'
import { own, shownNodeState } from '../../../../src-shared/runs/node-states'
import { useStore } from '../../store'

/**
 * A node's live state. In a run that completed, a node with no event of its own was served from
 * ComfyUI's cache (execution_cached lists such nodes; every node an output needs either ran or was
 * cached), so it shows as cached rather than pending forever. The node a run failed at shows as
 * the error even when only the run's error names it; in an ended run nothing is still running.
 */
export function useNodeState(runId: string, nodeId: string): NodeState {
  return useStore((s) => {
    const e = s.details[runId]?.error
    if (e && (e.nodeId === nodeId || e.nodeErrors?.[nodeId])) return 'error'
    const nodes = s.nodeStates[runId]
    const known = nodes ? own(nodes, nodeId)?.state : undefined
    return shownNodeState(known, s.runsById[runId]?.status ?? s.details[runId]?.status)
  })
}

/** The error text for a node: its own, else the run's when the run failed at this node. */
export function useNodeError(runId: string, nodeId: string): string | undefined {
  return useStore((s) => {
    const own = s.nodeStates[runId]?.[nodeId]?.error
    if (own) return own
    const e = s.details[runId]?.error
    if (e?.nodeId !== nodeId) return s.details[runId]?.error?.nodeErrors?.[nodeId]?.messages.join('; ')
    return e.exceptionType ? `${e.exceptionType}: ${e.message}` : e.message
  })
}
