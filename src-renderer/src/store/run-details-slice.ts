import type { StateCreator } from 'zustand'
import type { RunDetail } from '../../../src-shared/contract'
import type { AppState } from './index'

/** Full run details, fetched for the runs someone opened. */
export interface RunDetailsSlice {
  details: Record<string, RunDetail>
  detailErrors: Record<string, string>
  setDetail: (detail: RunDetail) => void
  setDetailError: (id: string, message: string) => void
}

/** Creates the run-details slice. */
export const createRunDetailsSlice: StateCreator<AppState, [], [], RunDetailsSlice> = (set) => ({
  details: {},
  detailErrors: {},
  setDetail: (detail) =>
    set((s) => {
      const { [detail.id]: _old, ...errors } = s.detailErrors
      return { details: { ...s.details, [detail.id]: detail }, detailErrors: errors }
    }),
  setDetailError: (id, message) => set((s) => ({ detailErrors: { ...s.detailErrors, [id]: message } })),
})
