import type { StateCreator } from 'zustand'
import type { HistoryItem, HistoryQuery } from '../../../src-shared/contract'
import type { AppState } from './index'

/** The filters the history screen edits (paging fields are managed by the loader). */
export type HistoryFilters = Omit<HistoryQuery, 'cursor' | 'limit'>

/** The history grid: current filters and the pages loaded so far. */
export interface HistorySlice {
  historyFilters: HistoryFilters
  historyItems: HistoryItem[]
  historyCursor: string | null
  historyDone: boolean
  historyLoading: boolean
  historyError: string | null
  /** Exactly how many items the current filters match (from the first page), null until known. */
  historyTotal: number | null
  /** Bumped per new query so late pages of an old query are dropped. */
  historyGeneration: number
  /** Index into historyItems of the image open in the viewer. */
  viewerIndex: number | null
  setHistoryFilters: (filters: HistoryFilters) => void
  startHistoryLoad: () => number
  appendHistory: (
    generation: number,
    items: HistoryItem[],
    cursor: string | null,
    reset: boolean,
    total?: number | null
  ) => void
  failHistory: (generation: number, message: string) => void
  removeHistoryRun: (runId: string) => void
  openViewer: (index: number | null) => void
}

/** Creates the history slice. */
export const createHistorySlice: StateCreator<AppState, [], [], HistorySlice> = (set, get) => ({
  historyFilters: { sort: 'newest' },
  historyItems: [],
  historyCursor: null,
  historyDone: false,
  historyLoading: false,
  historyError: null,
  historyTotal: null,
  historyGeneration: 0,
  viewerIndex: null,
  setHistoryFilters: (filters) =>
    set((s) => ({
      historyFilters: filters,
      historyGeneration: s.historyGeneration + 1,
      historyCursor: null,
      historyDone: false,
      historyLoading: false,
    })),
  startHistoryLoad: () => {
    set({ historyLoading: true, historyError: null })
    return get().historyGeneration
  },
  appendHistory: (generation, items, cursor, reset, total = null) =>
    set((s) => {
      if (generation !== s.historyGeneration) return {}
      return {
        historyTotal: reset ? total : s.historyTotal,
        historyItems: reset ? items : [...s.historyItems, ...items],
        historyCursor: cursor,
        historyDone: cursor == null,
        historyLoading: false,
      }
    }),
  failHistory: (generation, message) =>
    set((s) => (generation === s.historyGeneration ? { historyLoading: false, historyError: message } : {})),
  removeHistoryRun: (runId) =>
    set((s) => {
      const items = s.historyItems.filter((i) => i.runId !== runId)
      const removed = s.historyItems.length - items.length
      const total = s.historyTotal === null ? null : Math.max(0, s.historyTotal - removed)
      return { historyItems: items, historyTotal: total, viewerIndex: null }
    }),
  openViewer: (index) => set({ viewerIndex: index }),
})
