import { estimateRemaining, formatAgo, formatDuration } from '../../lib/format'
import { useStore } from '../../store'

/** Live elapsed time (and ETA when progress is known); the only thing re-rendered by the 1 s clock. */
export function Elapsed({ since, progress }: { since: number; progress?: number }) {
  const now = useStore((s) => s.now)
  const elapsed = Math.max(0, now - since)
  const eta = progress === undefined ? null : estimateRemaining(elapsed, progress)
  return (
    <span className="elapsed">
      {formatDuration(elapsed)}
      {eta != null && <span className="muted"> · ~{formatDuration(eta)} left</span>}
    </span>
  )
}

/** "5m ago"; selects the label itself, so the row re-renders only when the words change. */
export function Ago({ at }: { at: number }) {
  const label = useStore((s) => formatAgo(at, s.now))
  return <span className="muted">{label}</span>
}
