import type { NodeState, RunEvent } from '../../../../src-shared/contract'
import { useStore } from '../../store'
import { useNodeState } from './use-node-state'

/** A node's state as shown: `stopped` for the node a cancel interrupted (it neither finished nor failed). */
export type NodeDisplayState = NodeState | 'stopped'

/**
 * The node's state from the shared fold, read in the light of what the engine reported: a node ComfyUI
 * served from its cache (its `execution_cached` event) is cached while the run is still live, not pending;
 * after a cancel no node is still running, and the one that was is shown as stopped rather than running forever.
 */
export function useNodeDisplay(runId: string, nodeId: string): NodeDisplayState {
  const state = useNodeState(runId, nodeId)
  const cancelled = useStore((s) => (s.runsById[runId]?.status ?? s.details[runId]?.status) === 'cancelled')
  const servedFromCache = useStore((s) => cachedByEvent(s.details[runId]?.events, nodeId))
  if (cancelled && state === 'running') return 'stopped'
  return state === 'pending' && servedFromCache ? 'cached' : state
}

/** Whether the run's `execution_cached` event lists this node (the live channel carries only the current node). */
function cachedByEvent(events: readonly RunEvent[] | undefined, nodeId: string): boolean {
  return (events ?? []).some(
    (e) => e.type === 'execution_cached' && Array.isArray(e.data.nodes) && e.data.nodes.map(String).includes(nodeId)
  )
}
