import { useShallow } from 'zustand/react/shallow'
import { cancelRun, rerun } from '../../actions/run-actions'
import { isFiltering, type RunFilter } from '../../lib/run-filter'
import { isActive } from '../../lib/run-groups'
import { useStore } from '../../store'
import { BatchSelect, ServerSelect } from '../common/FilterSelects'

const STATUSES: { value: RunFilter['status']; label: string }[] = [
  { value: 'any', label: 'Any status' },
  { value: 'active', label: 'Active' },
  { value: 'running', label: 'Running' },
  { value: 'queued', label: 'Queued' },
  { value: 'pending', label: 'Waiting' },
  { value: 'completed', label: 'Completed' },
  { value: 'failed', label: 'Failed' },
  { value: 'cancelled', label: 'Cancelled' },
]

function ServerFilter() {
  const value = useStore((s) => s.runFilter.serverId)
  const set = useStore((s) => s.setRunFilter)
  return <ServerSelect value={value} onChange={(serverId) => set({ serverId })} testId="runs-server-filter" />
}

function BatchFilter() {
  const value = useStore((s) => s.runFilter.batchId)
  const set = useStore((s) => s.setRunFilter)
  return <BatchSelect value={value} onChange={(batchId) => set({ batchId })} testId="runs-batch-filter" />
}

/** Cancel or retry every selected run at once (each through the same action as its own button). */
function SelectionActions() {
  const selected = useStore(useShallow((s) => Object.keys(s.selectedRuns)))
  const statuses = useStore(useShallow((s) => selected.map((id) => s.runsById[id]?.status ?? 'pending')))
  const clear = useStore((s) => s.setRunsSelected)
  if (selected.length === 0) return null
  const live = selected.filter((_, i) => isActive(statuses[i] ?? 'pending'))
  const ended = selected.filter((_, i) => !isActive(statuses[i] ?? 'pending'))
  return (
    <span className="selection-actions" data-testid="runs-selection">
      <b>{selected.length}</b> selected
      <button
        type="button"
        className="btn small"
        disabled={live.length === 0}
        onClick={() => void Promise.all(live.map((id) => cancelRun(id))).then(() => clear([]))}
        data-testid="runs-bulk-cancel"
      >
        Cancel {live.length}
      </button>
      <button
        type="button"
        className="btn small"
        disabled={ended.length === 0}
        onClick={() => void Promise.all(ended.map((id) => rerun(id))).then(() => clear([]))}
        data-testid="runs-bulk-retry"
      >
        Retry {ended.length}
      </button>
      <button type="button" className="btn small" onClick={() => clear([])}>
        Clear selection
      </button>
    </span>
  )
}

/** Search, filters, "Clear finished" and bulk actions for the runs list. */
export function RunsToolbar({ shown }: { shown: number }) {
  const filter = useStore((s) => s.runFilter)
  const set = useStore((s) => s.setRunFilter)
  const clearFinished = useStore((s) => s.clearFinishedRuns)
  return (
    <div className="runs-toolbar" role="search">
      <input
        type="search"
        className="search"
        placeholder="Search name, prompt, server, model, seed…"
        aria-label="Search runs"
        value={filter.text}
        onChange={(e) => set({ text: e.target.value })}
        data-testid="runs-search"
      />
      <select
        aria-label="Status"
        value={filter.status}
        onChange={(e) => set({ status: e.target.value as RunFilter['status'] })}
        data-testid="runs-status-filter"
      >
        {STATUSES.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>
      <ServerFilter />
      <BatchFilter />
      {isFiltering(filter) && (
        <span className="muted small" data-testid="runs-shown" aria-live="polite">
          {shown} shown
        </span>
      )}
      <span className="spacer" />
      <SelectionActions />
      <button
        type="button"
        className="btn small"
        onClick={() => clearFinished(Date.now())}
        title="Hide finished runs from this list (they stay in History)"
        data-testid="runs-clear-finished"
      >
        Clear finished
      </button>
    </div>
  )
}
