import type { NodeState } from '../../../../src-shared/contract'
import { useStore } from '../../store'
import { useNodeState } from './use-node-state'

/** A node's state as shown: `stopped` for the node a cancel interrupted (it neither finished nor failed). */
export type NodeDisplayState = NodeState | 'stopped'

/**
 * The node's state from the shared fold, read in the light of how the run ended: after a cancel no node
 * is still running, and the one that was is shown as stopped rather than running forever.
 */
export function useNodeDisplay(runId: string, nodeId: string): NodeDisplayState {
  const state = useNodeState(runId, nodeId)
  const cancelled = useStore((s) => (s.runsById[runId]?.status ?? s.details[runId]?.status) === 'cancelled')
  return cancelled && state === 'running' ? 'stopped' : state
}
