import type { StateCreator } from 'zustand'
import { NO_FILTER, type RunFilter } from '../lib/run-filter'
import type { AppState } from './index'

/** Where "Clear finished" is remembered: a view preference of this browser, the runs stay in History. */
const CLEARED_KEY = 'comfyfleet.runsClearedAt'

function readClearedAt(): number {
  try {
    const n = Number(localStorage.getItem(CLEARED_KEY) ?? 0)
    return Number.isFinite(n) ? n : 0
  } catch {
    return 0 // no storage (tests, locked-down profile): nothing was cleared
  }
}

/** How the Runs screen is looked at: filters, the selection for bulk cancel/retry, and what was cleared. */
export interface RunsViewSlice {
  runFilter: RunFilter
  selectedRuns: Record<string, true>
  /** Finished runs up to this time are hidden from Recent (0: none). */
  runsClearedAt: number
  setRunFilter: (patch: Partial<RunFilter>) => void
  toggleRunSelected: (id: string) => void
  setRunsSelected: (ids: string[]) => void
  clearFinishedRuns: (now: number) => void
}

/** Creates the runs view slice. */
export const createRunsViewSlice: StateCreator<AppState, [], [], RunsViewSlice> = (set) => ({
  runFilter: NO_FILTER,
  selectedRuns: {},
  runsClearedAt: readClearedAt(),
  setRunFilter: (patch) => set((s) => ({ runFilter: { ...s.runFilter, ...patch } })),
  toggleRunSelected: (id) =>
    set((s) => {
      const { [id]: was, ...rest } = s.selectedRuns
      return { selectedRuns: was ? rest : { ...rest, [id]: true } }
    }),
  setRunsSelected: (ids) => set({ selectedRuns: Object.fromEntries(ids.map((id) => [id, true as const])) }),
  clearFinishedRuns: (now) => {
    try {
      localStorage.setItem(CLEARED_KEY, String(now))
    } catch {
      // Without storage the clear lasts until the page reloads.
    }
    set({ runsClearedAt: now, selectedRuns: {} })
  },
})
