import type { BridgeTransport, RunPreviewEvent, RunSummary } from '../../../src-shared/contract'
import { loadHistory, PAGE_SIZE } from '../actions/history-actions'
import { loadRunDetail } from '../actions/run-actions'
import { isActive } from '../lib/run-groups'
import { useStore } from '../store'

/** Minimum gap between detail refetches of one run (events log/outputs), so a chatty run cannot flood the core. */
const DETAIL_REFRESH_MS = 1_000

const refreshTimers = new Map<string, ReturnType<typeof setTimeout>>()

function scheduleDetailRefresh(id: string): void {
  if (refreshTimers.has(id)) return
  refreshTimers.set(
    id,
    setTimeout(() => {
      refreshTimers.delete(id)
      void loadRunDetail(id)
    }, DETAIL_REFRESH_MS)
  )
}

function onRunChanged(run: RunSummary): void {
  const s = useStore.getState()
  const prev = s.runsById[run.id]
  s.upsertRun(run)
  if (!isActive(run.status)) s.clearLive(run.id)
  if (run.status === 'completed' && prev?.status !== 'completed') scheduleHistoryRefresh()
  const detail = s.details[run.id]
  if (detail && (prev?.status !== run.status || prev.outputsCount !== run.outputsCount || detail.status !== run.status))
    scheduleDetailRefresh(run.id)
}

/** New images join an open History screen after this quiet period (bursts of completions coalesce). */
const HISTORY_REFRESH_MS = 1_500
let historyTimer: ReturnType<typeof setTimeout> | null = null

/** Refreshes the first history page when a run finishes while History is open and nothing is being viewed. */
function scheduleHistoryRefresh(): void {
  if (historyTimer) return
  historyTimer = setTimeout(() => {
    historyTimer = null
    const s = useStore.getState()
    // Only while the first page is all that is loaded: a reset would throw away a deep scroll position.
    if (s.route.name === 'history' && s.viewerIndex == null && s.historyItems.length <= PAGE_SIZE)
      void loadHistory(true)
  }, HISTORY_REFRESH_MS)
}

const previewUrls = new Map<string, string>()

function onPreview(evt: RunPreviewEvent): void {
  const bytes = Uint8Array.from(atob(evt.dataBase64), (c) => c.charCodeAt(0))
  const url = URL.createObjectURL(new Blob([bytes], { type: evt.mime }))
  const old = previewUrls.get(evt.runId)
  if (old) URL.revokeObjectURL(old)
  previewUrls.set(evt.runId, url)
  useStore.getState().setPreview(evt.runId, url)
}

/** Applies run summaries, progress ticks and previews to the store, outside React. */
export function subscribeRunEvents(bridge: BridgeTransport): () => void {
  const offs = [
    bridge.on('runs:changed', onRunChanged),
    bridge.on('runs:progress', (evt) => useStore.getState().applyProgress(evt, Date.now())),
    bridge.on('runs:preview', onPreview),
  ]
  return () => {
    for (const off of offs) off()
    for (const t of refreshTimers.values()) clearTimeout(t)
    refreshTimers.clear()
  }
}
