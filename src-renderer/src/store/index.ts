import { create } from 'zustand'
import { createStore } from 'zustand/vanilla'
import { createAppSlice, type AppSlice } from './app-slice'
import { createBatchesSlice, type BatchesSlice } from './batches-slice'
import { createHistorySlice, type HistorySlice } from './history-slice'
import { createProgressSlice, type ProgressSlice } from './progress-slice'
import { createRunDetailsSlice, type RunDetailsSlice } from './run-details-slice'
import { createRunsSlice, type RunsSlice } from './runs-slice'
import { createRunsViewSlice, type RunsViewSlice } from './runs-view-slice'
import { createServersSlice, type ServersSlice } from './servers-slice'
import { createSettingsSlice, type SettingsSlice } from './settings-slice'
import { createToastsSlice, type ToastsSlice } from './toasts-slice'
import { createUiSlice, type UiSlice } from './ui-slice'

/** The whole renderer state: one store, one slice per domain. */
export type AppState = AppSlice &
  UiSlice &
  ServersSlice &
  RunsSlice &
  RunsViewSlice &
  ProgressSlice &
  RunDetailsSlice &
  BatchesSlice &
  HistorySlice &
  SettingsSlice &
  ToastsSlice

const slices = (...a: Parameters<typeof createAppSlice>): AppState => ({
  ...createAppSlice(...a),
  ...createUiSlice(...a),
  ...createServersSlice(...a),
  ...createRunsSlice(...a),
  ...createRunsViewSlice(...a),
  ...createProgressSlice(...a),
  ...createRunDetailsSlice(...a),
  ...createBatchesSlice(...a),
  ...createHistorySlice(...a),
  ...createSettingsSlice(...a),
  ...createToastsSlice(...a),
})

/** The app's store hook. Select atoms: `useStore((s) => s.runsById[id])`. */
export const useStore = create<AppState>()(slices)

/** A fresh, independent store with the same slices (unit tests). */
export const createAppStore = () => createStore<AppState>()(slices)
