import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useRef, useState } from 'react'
import { loadHistory } from '../../actions/history-actions'
import { bridge } from '../../bridge/bridge-context'
import { useStore } from '../../store'

/** Tile edge in px, including the gap; thumbnails are served at about this size. */
const TILE = 188
/** Start fetching the next page this many rows before the end. */
const PREFETCH_ROWS = 4

const Tile = memo(function Tile({ index }: { index: number }) {
  const item = useStore((s) => s.historyItems[index])
  const open = useStore((s) => s.openViewer)
  if (!item) return null
  const label = `${item.positive ?? (item.hash ? 'Image' : 'Run')} — ${item.status}${item.serverName ? ` on ${item.serverName}` : ''}`
  return (
    <button
      type="button"
      className={`tile st-${item.status}`}
      onClick={() => open(index)}
      aria-label={label}
      title={item.positive ?? undefined}
      data-testid="history-tile"
      data-run-id={item.runId}
      data-hash={item.hash ?? undefined}
    >
      {item.hash ? (
        <img src={bridge().imageUrl(item.hash, 'thumb')} alt="" loading="lazy" decoding="async" />
      ) : (
        // A run that ended without an image: what happened, where the picture would be.
        <span className="tile-noimage" data-testid="history-tile-noimage">
          {item.errorMessage ?? `${item.status} before an image was saved`}
        </span>
      )}
      {item.status !== 'completed' && <span className={`tile-badge st-${item.status}`}>{item.status}</span>}
      <span className="tile-caption" aria-hidden="true">
        {item.positive ?? ''}
        {item.seed != null && <span className="muted"> · {item.seed}</span>}
      </span>
    </button>
  )
})

function useColumns(ref: React.RefObject<HTMLDivElement | null>): number {
  const [cols, setCols] = useState(4)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const ro = new ResizeObserver(([entry]) => {
      if (entry) setCols(Math.max(1, Math.floor(entry.contentRect.width / TILE)))
    })
    ro.observe(el)
    return () => ro.disconnect()
  }, [ref])
  return cols
}

/** The virtualized thumbnail grid: only visible rows exist in the DOM; pages load as you scroll. */
export function HistoryGrid() {
  const count = useStore((s) => s.historyItems.length)
  const done = useStore((s) => s.historyDone)
  const loading = useStore((s) => s.historyLoading)
  const scrollRef = useRef<HTMLDivElement>(null)
  const cols = useColumns(scrollRef)
  const rows = Math.ceil(count / cols)
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is meant to be used this way; rows read it during render only.
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => TILE,
    overscan: 3,
  })
  const items = virtualizer.getVirtualItems()
  const lastRow = items[items.length - 1]?.index ?? 0
  useEffect(() => {
    if (!done && !loading && count > 0 && lastRow >= rows - PREFETCH_ROWS) void loadHistory(false)
  }, [lastRow, rows, done, loading, count])
  return (
    <div className="history-scroll" ref={scrollRef} data-testid="history-grid">
      <div
        className="history-inner"
        style={{ height: virtualizer.getTotalSize() }}
        role="list"
        aria-label="History images"
      >
        {items.map((row) => (
          <div
            key={row.key}
            className="history-row"
            role="presentation"
            style={{ transform: `translateY(${row.start}px)`, height: TILE }}
          >
            {Array.from({ length: cols }, (_, c) => row.index * cols + c)
              .filter((i) => i < count)
              .map((i) => (
                <div role="listitem" key={i}>
                  <Tile index={i} />
                </div>
              ))}
          </div>
        ))}
      </div>
    </div>
  )
}
