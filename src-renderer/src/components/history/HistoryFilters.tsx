import { useEffect, useState } from 'react'
import type { RunState } from '../../../../src-shared/contract'
import { applyHistoryFilters } from '../../actions/history-actions'
import { useStore } from '../../store'
import { BatchSelect, ServerSelect } from '../common/FilterSelects'
import type { HistoryFilters as Filters } from '../../store/history-slice'

/** Typing pause before a search is sent. */
const SEARCH_DEBOUNCE_MS = 250

const STATUSES: RunState[] = ['completed', 'failed', 'cancelled']

const dayStart = (v: string): number | undefined => (v ? new Date(`${v}T00:00:00`).getTime() : undefined)
const dayEnd = (v: string): number | undefined => (v ? new Date(`${v}T23:59:59.999`).getTime() : undefined)
const toDay = (ms: number | undefined): string => (ms == null ? '' : new Date(ms).toLocaleDateString('sv'))

/** Search box, filters and sort for the history grid. */
export function HistoryFilters() {
  const filters = useStore((s) => s.historyFilters)
  const [text, setText] = useState(filters.text ?? '')
  const update = (patch: Partial<Filters>): void => {
    const next: Filters = { ...useStore.getState().historyFilters, ...patch }
    for (const k of Object.keys(next) as (keyof Filters)[]) if (next[k] === undefined || next[k] === '') delete next[k]
    void applyHistoryFilters(next)
  }
  useEffect(() => {
    if ((useStore.getState().historyFilters.text ?? '') === text) return
    const t = setTimeout(() => update({ text: text.trim() || undefined }), SEARCH_DEBOUNCE_MS)
    return () => clearTimeout(t)
  })
  return (
    <div className="history-filters" role="search">
      <input
        type="search"
        className="search"
        placeholder="Search prompt text or model…"
        aria-label="Search history"
        value={text}
        onChange={(e) => setText(e.target.value)}
        data-testid="history-search"
      />
      <select
        aria-label="Status"
        value={filters.status?.[0] ?? ''}
        onChange={(e) => update({ status: e.target.value ? [e.target.value as RunState] : undefined })}
        data-testid="history-status"
      >
        <option value="">Any status</option>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <ServerSelect
        value={filters.serverId ?? ''}
        onChange={(v) => update({ serverId: v || undefined })}
        testId="history-server"
      />
      <input
        aria-label="Model"
        placeholder="Model"
        className="model-filter"
        defaultValue={filters.model ?? ''}
        onBlur={(e) => update({ model: e.target.value.trim() || undefined })}
        onKeyDown={(e) => e.key === 'Enter' && update({ model: e.currentTarget.value.trim() || undefined })}
        data-testid="history-model"
      />
      <label className="inline-label">
        From
        <input type="date" value={toDay(filters.from)} onChange={(e) => update({ from: dayStart(e.target.value) })} />
      </label>
      <label className="inline-label">
        To
        <input type="date" value={toDay(filters.to)} onChange={(e) => update({ to: dayEnd(e.target.value) })} />
      </label>
      <BatchSelect
        value={filters.batchId ?? ''}
        onChange={(v) => update({ batchId: v || undefined })}
        testId="history-batch"
      />
      <select
        aria-label="Sort"
        value={filters.sort ?? 'newest'}
        onChange={(e) => update({ sort: e.target.value as 'newest' | 'oldest' })}
        data-testid="history-sort"
      >
        <option value="newest">Newest first</option>
        <option value="oldest">Oldest first</option>
      </select>
    </div>
  )
}
