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
  /** Bumped per new query so late pages of an old query are dropped. */
  historyGeneration: number
  /** Index into historyItems of the image open in the viewer. */
  viewerIndex: number | null
  setHistoryFilters: (filters: HistoryFilters) => void
  startHistoryLoad: () => number
  appendHistory: (generation: number, items: HistoryItem[], cursor: string | null, reset: boolean) => void
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
  appendHistory: (generation, items, cursor, reset) =>
    set((s) => {
      if (generation !== s.historyGeneration) return {}
      return {
        historyItems: reset ? items : [...s.historyItems, ...items],
        historyCursor: cursor,
        historyDone: cursor == null,
        historyLoading: false,
      }
    }),
  failHistory: (generation, message) =>
    set((s) => (generation === s.historyGeneration ? { historyLoading: false, historyError: message } : {})),
  removeHistoryRun: (runId) =>
    set((s) => ({ historyItems: s.historyItems.filter((i) => i.runId !== runId), viewerIndex: null })),
  openViewer: (index) => set({ viewerIndex: index }),
})
