import { memo, useState } from 'react'
import { cancelBatch } from '../../actions/run-actions'
import { useShallow } from 'zustand/react/shallow'
import { batchCounts, isActive } from '../../lib/run-groups'
import { useStore } from '../../store'
import { ProgressBar } from '../common/ProgressBar'
import { StatusBadge } from '../common/StatusBadge'
import { RunRow } from './RunRow'

const EMPTY: string[] = []

/** A batch with its own progress, collapsible, listing its runs. */
export const BatchGroup = memo(function BatchGroup({
  batchId,
  defaultOpen,
}: {
  batchId: string
  defaultOpen: boolean
}) {
  const summary = useStore((s) => s.batchesById[batchId])
  const runIds = useStore((s) => s.batchRuns[batchId] ?? EMPTY)
  const states = useStore(useShallow((s) => runIds.map((id) => s.runsById[id]?.status ?? 'pending')))
  // Runs of a batch are named `<batch> #n`: the best name while the summary is missing.
  const firstName = useStore((s) => s.runsById[runIds[0] ?? '']?.name.replace(/\s+#\d+$/, '') ?? 'Batch')
  const batch = summary ?? { name: firstName, ...batchCounts(states) }
  const [open, setOpen] = useState(defaultOpen)
  const total = batch.total
  const finished = batch.completed + batch.failed + batch.cancelled
  const status = batch.status
  // The engine counts every started child as open; only those a GPU is executing are running.
  const runningNow = states.filter((st) => st === 'running').length
  const waiting = Math.max(0, batch.running - runningNow)
  return (
    <section className="batch" data-testid="batch-group" data-batch-id={batchId} aria-label={`Batch ${batch.name}`}>
      <header className="batch-header">
        <button
          type="button"
          className="icon-btn"
          aria-expanded={open}
          aria-label={open ? 'Collapse batch' : 'Expand batch'}
          onClick={() => setOpen(!open)}
        >
          {open ? '▾' : '▸'}
        </button>
        <span className="batch-name">{batch.name}</span>
        <StatusBadge status={status} />
        <div className="batch-progress">
          <ProgressBar value={total ? finished / total : 0} label="Batch progress" tone={`st-${status}`} />
        </div>
        <span className="batch-counts">
          <b>{batch.completed}</b>/{total} done
          {runningNow ? ` · ${runningNow} running` : ''}
          {waiting ? ` · ${waiting} queued` : ''}
          {batch.failed ? <span className="err-text"> · {batch.failed} failed</span> : ''}
          {batch.cancelled ? ` · ${batch.cancelled} cancelled` : ''}
        </span>
        {isActive(status) && (
          <button
            type="button"
            className="btn small"
            onClick={() => void cancelBatch(batchId)}
            data-testid="batch-cancel"
          >
            Cancel batch
          </button>
        )}
      </header>
      {open && (
        <div role="list">
          {runIds.map((id) => (
            <RunRow key={id} id={id} nested />
          ))}
        </div>
      )}
    </section>
  )
})
