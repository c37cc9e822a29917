import { navigate } from '../../events/route-events'
import { useStore } from '../../store'
import type { Route } from '../../store/ui-slice'

const ITEMS: { name: Exclude<Route['name'], 'run'>; label: string; icon: string; key: string }[] = [
  { name: 'runs', label: 'Runs', icon: '▶', key: '1' },
  { name: 'servers', label: 'Servers', icon: '▦', key: '2' },
  { name: 'history', label: 'History', icon: '▤', key: '3' },
  { name: 'settings', label: 'Settings', icon: '⚙', key: '4' },
]

function RunCounts() {
  const running = useStore((s) => s.runningCount)
  const pending = useStore((s) => s.pendingCount)
  if (!running && !pending) return null
  return (
    <span className="nav-counts" aria-label={`${running} running, ${pending} pending`} data-testid="nav-run-counts">
      {running > 0 && <span className="count running">{running}</span>}
      {pending > 0 && <span className="count pending">{pending}</span>}
    </span>
  )
}

/** The left rail: one button per screen, the current one marked for screen readers. */
export function Nav() {
  const current = useStore((s) => (s.route.name === 'run' ? 'runs' : s.route.name))
  return (
    <nav className="nav" aria-label="Screens">
      <div className="nav-logo" aria-hidden="true">
        CF
      </div>
      {ITEMS.map((item) => (
        <button
          key={item.name}
          type="button"
          className={`nav-item${current === item.name ? ' active' : ''}`}
          aria-current={current === item.name ? 'page' : undefined}
          data-testid={`nav-${item.name}`}
          title={`${item.label} (Alt+${item.key})`}
          onClick={() => navigate({ name: item.name })}
        >
          <span className="nav-icon" aria-hidden="true">
            {item.icon}
          </span>
          <span className="nav-label">{item.label}</span>
          {item.name === 'runs' && <RunCounts />}
        </button>
      ))}
    </nav>
  )
}
