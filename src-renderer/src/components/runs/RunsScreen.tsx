import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useMemo, useRef } from 'react'
import '../../styles/runs.css'
import { afterClear, filterItems, isFiltering } from '../../lib/run-filter'
import { useStore } from '../../store'
import { OfflineBanner } from '../common/OfflineBanner'
import { BatchGroup } from './BatchGroup'
import { OpenButton } from './OpenButton'
import { RunRow } from './RunRow'
import { RunsToolbar } from './RunsToolbar'

const Item = memo(function Item({ item, active }: { item: string; active: boolean }) {
  const sep = item.indexOf(':')
  const kind = item.slice(0, sep)
  const id = item.slice(sep + 1)
  return kind === 'batch' ? <BatchGroup batchId={id} defaultOpen={active} /> : <RunRow id={id} />
})

type Entry =
  { kind: 'header'; title: string; count: number; active: boolean } | { kind: 'item'; item: string; active: boolean }

/** Row height before measuring: a run row; batches and headers are measured once rendered. */
const ROW_ESTIMATE = 54

/** Both sections as one flat list, so a single virtualizer renders only what is on screen. */
function entriesOf(active: string[], recent: string[]): Entry[] {
  return [
    { kind: 'header', title: 'Active', count: active.length, active: true },
    ...active.map((item) => ({ kind: 'item' as const, item, active: true })),
    { kind: 'header', title: 'Recent', count: recent.length, active: false },
    ...recent.map((item) => ({ kind: 'item' as const, item, active: false })),
  ]
}

function EntryView({ entry, filtering }: { entry: Entry; filtering: boolean }) {
  if (entry.kind === 'item') return <Item item={entry.item} active={entry.active} />
  return (
    <>
      <h2 className="section-title" data-testid={entry.active ? 'runs-active-title' : 'runs-recent-title'}>
        {entry.title} <span className="muted">{entry.count}</span>
      </h2>
      {entry.count === 0 && (
        <p className="empty-line">
          {filtering
            ? 'Nothing matches.'
            : entry.active
              ? 'Nothing running. Drop a workflow anywhere to start.'
              : 'No finished runs yet.'}
        </p>
      )}
    </>
  )
}

/**
 * The runs as one virtualized list: thousands of runs cost only the rows on screen, so switching to this
 * screen and scrolling stay fast however long the history is.
 */
function RunList({ active, recent, filtering }: { active: string[]; recent: string[]; filtering: boolean }) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const entries = useMemo(() => entriesOf(active, recent), [active, recent])
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is meant to be used this way; rows read it during render only.
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    getItemKey: (i) => {
      const e = entries[i]
      // Keyed per section: a batch that finishes moves to Recent as a fresh, collapsed group.
      return e?.kind === 'item' ? `${e.active ? 'active' : 'recent'}:${e.item}` : `header:${e?.title ?? i}`
    },
    overscan: 8,
  })
  return (
    <div className="runs-scroll" ref={scrollRef} data-testid="runs-list">
      <div className="runs-inner" style={{ height: virtualizer.getTotalSize() }} role="list" aria-label="Runs">
        {virtualizer.getVirtualItems().map((v) => {
          const entry = entries[v.index]
          if (!entry) return null
          return (
            <div
              key={v.key}
              data-index={v.index}
              ref={virtualizer.measureElement}
              className="runs-entry"
              role={entry.kind === 'item' ? 'listitem' : 'presentation'}
              style={{ transform: `translateY(${v.start}px)` }}
            >
              <EntryView entry={entry} filtering={filtering} />
            </div>
          )
        })}
      </div>
    </div>
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

/** Home: live runs then recent ones, in a stable order; search, filters, clear and bulk actions on top. */
export function RunsScreen() {
  const active = useStore((s) => s.activeItems)
  const recent = useStore((s) => s.recentItems)
  const running = useStore((s) => s.runningCount)
  const pending = useStore((s) => s.pendingCount)
  const loaded = useStore((s) => s.runsLoaded)
  const filter = useStore((s) => s.runFilter)
  const clearedAt = useStore((s) => s.runsClearedAt)
  const runsById = useStore((s) => s.runsById)
  const batchRuns = useStore((s) => s.batchRuns)
  const shownActive = useMemo(
    () => filterItems(active, filter, runsById, batchRuns),
    [active, filter, runsById, batchRuns]
  )
  const shownRecent = useMemo(
    () => filterItems(afterClear(recent, clearedAt, runsById, batchRuns), filter, runsById, batchRuns),
    [recent, clearedAt, filter, runsById, batchRuns]
  )
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
          <RunsToolbar shown={shownActive.length + shownRecent.length} />
          <RunList active={shownActive} recent={shownRecent} filtering={isFiltering(filter)} />
        </>
      )}
    </div>
  )
}
