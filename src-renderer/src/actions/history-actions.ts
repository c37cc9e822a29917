import { api } from '../bridge/bridge-context'
import { messageOf } from '../lib/errors'
import { useStore } from '../store'
import type { HistoryFilters } from '../store/history-slice'
import { reportResult } from './run-actions'

/** Items per `history:search` page: about four screens of thumbnails. */
export const PAGE_SIZE = 120

/** Loads the first page (reset) or the next one by keyset cursor; ignores calls while loading. */
export async function loadHistory(reset: boolean): Promise<void> {
  const s = useStore.getState()
  if (!reset && (s.historyLoading || s.historyDone)) return
  const generation = s.startHistoryLoad()
  const cursor = reset ? null : s.historyCursor
  try {
    // Failed and cancelled runs have no image; the gallery lists them too, so its status filters find them.
    const query = { ...s.historyFilters, withImageless: true, cursor, limit: PAGE_SIZE }
    const page = await api().history.search(query)
    useStore.getState().appendHistory(generation, page.items, page.nextCursor, reset, page.total)
  } catch (e) {
    useStore.getState().failHistory(generation, messageOf(e))
  }
}

/** Applies new filters and reloads from the first page. */
export function applyHistoryFilters(filters: HistoryFilters): Promise<void> {
  useStore.getState().setHistoryFilters(filters)
  return loadHistory(true)
}

/** Deletes a run's cached results. */
export async function deleteHistoryRun(runId: string): Promise<void> {
  const ok = await reportResult('Delete failed', () => api().history.remove(runId))
  if (ok) {
    useStore.getState().removeHistoryRun(runId)
    useStore.getState().pushToast({ kind: 'info', message: 'Deleted from history' })
  }
}
