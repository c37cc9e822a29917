import { memo } from 'react'
import '../../styles/runs.css'
import { useStore } from '../../store'
import { OfflineBanner } from '../common/OfflineBanner'
import { BatchGroup } from './BatchGroup'
import { OpenButton } from './OpenButton'
import { RunRow } from './RunRow'

const Item = memo(function Item({ item, active }: { item: string; active: boolean }) {
  const sep = item.indexOf(':')
  const kind = item.slice(0, sep)
  const id = item.slice(sep + 1)
  return kind === 'batch' ? <BatchGroup batchId={id} defaultOpen={active} /> : <RunRow id={id} />
})

function Section({
  title,
  items,
  active,
  testId,
}: {
  title: string
  items: string[]
  active: boolean
  testId: string
}) {
  return (
    <section className="runs-section" aria-label={title} data-testid={testId}>
      <h2 className="section-title">
        {title} <span className="muted">{items.length}</span>
      </h2>
      {items.length === 0 ? (
        <p className="empty-line">
          {active ? 'Nothing running. Drop a workflow anywhere to start.' : 'No finished runs yet.'}
        </p>
      ) : (
        <div role="list" className="run-list">
          {items.map((item) => (
            <Item key={item} item={item} active={active} />
          ))}
        </div>
      )}
    </section>
  )
}

function EmptyHero() {
  return (
    <div className="hero" data-testid="runs-empty">
      <div className="hero-title">Drop a workflow to run it</div>
      <div className="hero-sub">
        API JSON, UI JSON, or a ComfyUI PNG/WebP — anywhere in this window. Paste JSON with Ctrl/Cmd+V. Shift+drop or
        Open… for server, count, seed range and priority.
      </div>
    </div>
  )
}

/** Home: live runs first (running, then queued), then recent ones; batches grouped. */
export function RunsScreen() {
  const active = useStore((s) => s.activeItems)
  const recent = useStore((s) => s.recentItems)
  const running = useStore((s) => s.runningCount)
  const pending = useStore((s) => s.pendingCount)
  const loaded = useStore((s) => s.runsLoaded)
  return (
    <div className="runs-screen" data-testid="screen-runs">
      <header className="screen-header">
        <h1>Runs</h1>
        <span className="header-stats" data-testid="runs-counts">
          <span className="count running">{running} running</span>
          <span className="count pending">{pending} pending</span>
        </span>
        <span className="spacer" />
        <span className="muted small">Drop files anywhere · Ctrl/Cmd+V pastes JSON</span>
        <OpenButton />
      </header>
      <OfflineBanner />
      {loaded && active.length === 0 && recent.length === 0 ? (
        <EmptyHero />
      ) : (
        <>
          <Section title="Active" items={active} active testId="runs-active" />
          <Section title="Recent" items={recent} active={false} testId="runs-recent" />
        </>
      )}
    </div>
  )
}
