import type { NodeState } from '../../../../src-shared/contract'
import { useStore } from '../../store'

/**
 * A node's live state. In a run that completed, a node with no event of its own was served from
 * ComfyUI's cache (execution_cached lists such nodes; every node an output needs either ran or was
 * cached), so it shows as cached rather than pending forever.
 */
export function useNodeState(runId: string, nodeId: string): NodeState {
  return useStore((s) => {
    const known = s.nodeStates[runId]?.[nodeId]?.state
    if (known) return known
    const status = s.runsById[runId]?.status ?? s.details[runId]?.status
    return status === 'completed' ? 'cached' : 'pending'
  })
}
