import { formatDuration } from '../../lib/format'
import { useStore } from '../../store'
import { ProgressBar } from '../common/ProgressBar'
import { useNodeDisplay } from './use-node-display'
import { useNodeError } from './use-node-state'

/** The live state of one node in words: step progress while running, time when done, the error. */
export function NodeStateLine({ runId, nodeId }: { runId: string; nodeId: string }) {
  const node = useStore((s) => s.nodeStates[runId]?.[nodeId])
  const state = useNodeDisplay(runId, nodeId)
  const error = useNodeError(runId, nodeId)
  if (state === 'running') {
    const hasSteps = node?.value != null && node.max != null && node.max > 0
    return (
      <div className="nstate running">
        <span>running{hasSteps ? ` ${node.value}/${node.max}` : ''}</span>
        {hasSteps && (
          <ProgressBar value={(node.value ?? 0) / (node.max ?? 1)} label="Node progress" tone="st-running" />
        )}
      </div>
    )
  }
  if (state === 'done') {
    const t = node?.started_at != null && node.finished_at != null ? node.finished_at - node.started_at : null
    return <div className="nstate done">done{t != null ? ` · ${formatDuration(t)}` : ''}</div>
  }
  if (state === 'error')
    return (
      <div className="nstate error" title={error} data-testid="node-error">
        error{error ? `: ${error}` : ''}
      </div>
    )
  return <div className={`nstate ${state}`}>{state}</div>
}
