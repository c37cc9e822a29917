import type { StateCreator } from 'zustand'
import type { RunSummary } from '../../../src-shared/contract'
import { computeRunLists, placementChanged, statusRank } from '../lib/run-groups'
import { stableArray } from '../lib/stable'
import type { AppState } from './index'

/** Run summaries by id, plus the grouped lists the home screen renders. */
export interface RunsSlice {
  runsById: Record<string, RunSummary>
  activeItems: string[]
  recentItems: string[]
  batchRuns: Record<string, string[]>
  runningCount: number
  pendingCount: number
  runsLoaded: boolean
  setRuns: (list: RunSummary[]) => void
  upsertRun: (run: RunSummary) => void
  dropRun: (id: string) => void
}

/** Recomputes the grouped lists, keeping array identities that did not change. */
function regroup(s: AppState, runsById: Record<string, RunSummary>): Partial<AppState> {
  const lists = computeRunLists(Object.values(runsById))
  const batchRuns: Record<string, string[]> = {}
  for (const [id, ids] of Object.entries(lists.batchRuns)) batchRuns[id] = stableArray(s.batchRuns[id] ?? [], ids)
  return {
    runsById,
    activeItems: stableArray(s.activeItems, lists.active),
    recentItems: stableArray(s.recentItems, lists.recent),
    batchRuns,
    runningCount: lists.running,
    pendingCount: lists.pending,
  }
}

/** Creates the runs slice. */
export const createRunsSlice: StateCreator<AppState, [], [], RunsSlice> = (set) => ({
  runsById: {},
  activeItems: [],
  recentItems: [],
  batchRuns: {},
  runningCount: 0,
  pendingCount: 0,
  runsLoaded: false,
  setRuns: (list) =>
    set((s) => {
      const byId: Record<string, RunSummary> = { ...s.runsById }
      // A list answer may be older than events received meanwhile: never move a run backwards.
      for (const r of list) {
        const prev = byId[r.id]
        byId[r.id] = prev && statusRank(prev.status) > statusRank(r.status) ? prev : r
      }
      return { ...regroup(s, byId), runsLoaded: true }
    }),
  upsertRun: (run) =>
    set((s) => {
      const prev = s.runsById[run.id]
      const runsById = { ...s.runsById, [run.id]: run }
      return placementChanged(prev, run) ? regroup(s, runsById) : { runsById }
    }),
  dropRun: (id) =>
    set((s) => {
      if (!s.runsById[id]) return {}
      const { [id]: _gone, ...rest } = s.runsById
      return regroup(s, rest)
    }),
})
