import { useStore } from '../../store'
import { ExternalLink } from '../common/ExternalLink'

function Dot({ up }: { up: boolean }) {
  return <span className={`dot ${up ? 'up' : 'down'}`} aria-hidden="true" />
}

/** Bottom bar: Temporal (mode, address, state), worker, event stream, Temporal UI link. */
export function StatusBar() {
  const temporal = useStore((s) => s.appInfo?.temporal)
  const worker = useStore((s) => s.appInfo?.worker)
  const connection = useStore((s) => s.connection)
  const appError = useStore((s) => s.appError)
  const version = useStore((s) => s.appInfo?.version)
  const notices = useStore((s) => s.appInfo?.startupNotices)
  return (
    <footer className="statusbar" data-testid="status-bar" aria-label="Status">
      {temporal ? (
        <span
          className="status-item"
          data-testid="status-temporal"
          data-state={temporal.state}
          title={temporal.error ?? undefined}
        >
          <Dot up={temporal.state === 'up'} /> Temporal {temporal.mode} · {temporal.address} · {temporal.namespace} ·{' '}
          {temporal.state}
        </span>
      ) : (
        <span className="status-item">{appError ? `Core unreachable: ${appError}` : 'Connecting…'}</span>
      )}
      {worker && (
        <span
          className="status-item"
          data-testid="status-worker"
          data-state={worker.state}
          title={worker.lastError ?? undefined}
        >
          <Dot up={worker.state === 'up'} /> Worker {worker.state}
          {worker.restarts > 0 ? ` · ${worker.restarts} restarts` : ''}
        </span>
      )}
      <span className="status-item" data-testid="status-connection" data-state={connection}>
        <Dot up={connection === 'open'} /> Live {connection === 'open' ? 'connected' : connection}
      </span>
      {notices && notices.length > 0 && (
        // A settings file or database set aside at start: said here, not only in a log nobody reads.
        <span className="status-item" data-testid="status-notices" role="alert" title={notices.join('\n')}>
          ⚠ {notices.join(' ')}
        </span>
      )}
      <span className="status-spacer" />
      {temporal?.uiUrl && (
        <ExternalLink className="status-link" href={temporal.uiUrl} testId="status-temporal-ui">
          Temporal UI ↗
        </ExternalLink>
      )}
      {version && <span className="status-item muted">v{version}</span>}
    </footer>
  )
}
