import { useEffect } from 'react'
import '../../styles/history.css'
import { loadHistory } from '../../actions/history-actions'
import { useStore } from '../../store'
import { OfflineBanner } from '../common/OfflineBanner'
import { HistoryFilters } from './HistoryFilters'
import { HistoryGrid } from './HistoryGrid'
import { ImageViewer } from './ImageViewer'

function HistoryStatus() {
  const count = useStore((s) => s.historyItems.length)
  const total = useStore((s) => s.historyTotal)
  const done = useStore((s) => s.historyDone)
  const loading = useStore((s) => s.historyLoading)
  const error = useStore((s) => s.historyError)
  if (error)
    return (
      <span className="err-text" role="alert">
        {error}
      </span>
    )
  return (
    <span className="muted" data-testid="history-count" aria-live="polite">
      {total ?? count}
      {total !== null || done ? '' : '+'} result{(total ?? count) === 1 ? '' : 's'}
      {loading ? ' · loading…' : ''}
    </span>
  )
}

/** Everything ever generated, from the local cache: works with Temporal and every server offline. */
export function HistoryScreen() {
  useEffect(() => {
    void loadHistory(true)
  }, [])
  const empty = useStore((s) => s.historyDone && s.historyItems.length === 0 && !s.historyLoading)
  return (
    <div className="history-screen" data-testid="screen-history">
      <header className="screen-header">
        <h1>History</h1>
        <HistoryStatus />
      </header>
      <OfflineBanner />
      <HistoryFilters />
      {empty ? (
        <p className="empty-line" data-testid="history-empty">
          Nothing matches.
        </p>
      ) : (
        <HistoryGrid />
      )}
      <ImageViewer />
    </div>
  )
}
