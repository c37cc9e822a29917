import { memo } from 'react'
import { bridge } from '../../bridge/bridge-context'
import { formatDuration, formatPercent, splitGpuName } from '../../lib/format'
import { isUserCancel } from '../../lib/display-state'
import { isActive } from '../../lib/run-groups'
import { useStore } from '../../store'
import { Ago, Elapsed } from '../common/Elapsed'
import { ProgressBar } from '../common/ProgressBar'
import { RunBadge } from '../common/RunBadge'
import { RunActions } from './RunActions'

function NodeStep({ id }: { id: string }) {
  const live = useStore((s) => s.liveProgress[id])
  const summaryNode = useStore((s) => s.runsById[id]?.currentNode?.classType ?? null)
  const summaryStep = useStore((s) => s.runsById[id]?.nodeProgress ?? null)
  const node = live?.classType ?? summaryNode
  const value = live ? live.value : (summaryStep?.value ?? null)
  const max = live ? live.max : (summaryStep?.max ?? null)
  if (!node) return <span className="muted">—</span>
  return (
    <span className="node-step" data-testid="run-current-node">
      {node}
      {value != null && max != null && max > 0 && (
        <span className="muted">
          {' '}
          {value}/{max}
        </span>
      )}
    </span>
  )
}

function RunProgress({ id }: { id: string }) {
  const live = useStore((s) => s.liveProgress[id]?.progress)
  const summary = useStore((s) => s.runsById[id]?.progress ?? 0)
  const status = useStore((s) => s.runsById[id]?.status ?? 'pending')
  const startedAt = useStore((s) => s.runsById[id]?.startedAt ?? null)
  const finishedAt = useStore((s) => s.runsById[id]?.finishedAt ?? null)
  const progress = status === 'completed' ? 1 : (live ?? summary)
  return (
    <>
      <div className="cell-progress">
        <ProgressBar value={progress} label="Run progress" tone={`st-${status}`} testId="run-progress" />
        <span className="pct">{formatPercent(progress)}</span>
      </div>
      <div className="cell-time">
        {status === 'running' && startedAt != null ? (
          <Elapsed since={startedAt} progress={progress} />
        ) : finishedAt != null ? (
          <Ago at={finishedAt} />
        ) : null}
      </div>
    </>
  )
}

/** The run's checkbox for bulk cancel/retry. */
function SelectBox({ id, name }: { id: string; name: string }) {
  const selected = useStore((s) => s.selectedRuns[id] === true)
  const toggle = useStore((s) => s.toggleRunSelected)
  return (
    <input
      type="checkbox"
      className="run-select"
      checked={selected}
      onChange={() => toggle(id)}
      aria-label={`Select ${name}`}
      data-testid="run-select"
    />
  )
}

/** One run in the home list; memoised by id and subscribed only to its own summary and progress. */
export const RunRow = memo(function RunRow({ id, nested }: { id: string; nested?: boolean }) {
  const run = useStore((s) => s.runsById[id])
  if (!run) return null
  const done = run.finishedAt != null && run.startedAt != null
  return (
    <div
      className={`run-row${nested ? ' nested' : ''}`}
      data-testid="run-row"
      data-run-id={id}
      data-status={run.status}
      role="listitem"
    >
      <div className="cell-thumb">
        <SelectBox id={id} name={run.name} />
        {run.thumbHash ? (
          <img src={bridge().imageUrl(run.thumbHash, 'thumb')} alt="" loading="lazy" decoding="async" />
        ) : (
          <span className={`thumb-ph st-${run.status}`} aria-hidden="true" />
        )}
      </div>
      <div className="cell-name">
        <a href={`#/runs/${encodeURIComponent(id)}`} className="run-name" data-testid="run-open">
          {run.name}
        </a>
        <div className="run-sub">
          <RunBadge runId={id} testId="run-status" />
          {isActive(run.status) ? (
            <NodeStep id={id} />
          ) : run.error ? (
            <span className={isUserCancel(run.error) ? 'muted' : 'err-text'} title={run.error.message}>
              {isUserCancel(run.error) ? 'Cancelled' : run.error.message}
            </span>
          ) : (
            <span className="muted">
              {run.outputsCount} output{run.outputsCount === 1 ? '' : 's'}
              {run.seed != null ? ` · seed ${run.seed}` : ''}
            </span>
          )}
        </div>
      </div>
      <RunProgress id={id} />
      <div className="cell-server" title={run.gpu ?? undefined}>
        <div>
          {run.serverName ?? <span className="muted">{isActive(run.status) ? 'waiting for a slot' : '—'}</span>}
        </div>
        <div className="muted small">{run.gpu ? splitGpuName(run.gpu).model : ''}</div>
      </div>
      <div className="cell-dur muted">{done ? formatDuration((run.finishedAt ?? 0) - (run.startedAt ?? 0)) : ''}</div>
      <div className="cell-actions">
        <RunActions id={id} status={run.status} name={run.name} />
      </div>
    </div>
  )
})
