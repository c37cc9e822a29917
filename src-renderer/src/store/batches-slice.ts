import type { StateCreator } from 'zustand'
import type { BatchSummary } from '../../../src-shared/contract'
import type { AppState } from './index'

/** Batch summaries by id. */
export interface BatchesSlice {
  batchesById: Record<string, BatchSummary>
  setBatches: (list: BatchSummary[]) => void
  upsertBatch: (batch: BatchSummary) => void
}

/** Creates the batches slice. */
export const createBatchesSlice: StateCreator<AppState, [], [], BatchesSlice> = (set) => ({
  batchesById: {},
  setBatches: (list) => set({ batchesById: Object.fromEntries(list.map((b) => [b.id, b])) }),
  upsertBatch: (batch) => set((s) => ({ batchesById: { ...s.batchesById, [batch.id]: batch } })),
})
