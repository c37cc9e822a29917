import type { StateCreator } from 'zustand'
import type { NodeStatus, RunProgressEvent } from '../../../src-shared/contract'
import { applyNodeChange, nextNodeStatus } from '../../../src-shared/runs/node-states'
import type { AppState } from './index'

/** The latest live progress of one run, newer than its summary while it streams. */
export interface LiveProgress {
  progress: number
  nodeId: string | null
  classType: string | null
  value: number | null
  max: number | null
}

/** Live progress per run and per node, kept apart from summaries so a tick touches one row or node. */
export interface ProgressSlice {
  liveProgress: Record<string, LiveProgress>
  /** runId → nodeId → status; seeded by `runs:get`, advanced by `runs:progress`. */
  nodeStates: Record<string, Record<string, NodeStatus>>
  /** runId → object URL of the latest preview image. */
  previews: Record<string, string>
  applyProgress: (evt: RunProgressEvent, now: number) => void
  seedNodes: (runId: string, nodes: Record<string, NodeStatus>) => void
  setPreview: (runId: string, url: string) => void
  clearLive: (runId: string) => void
}

/** The node fold is shared with the worker, the workflow and main; re-exported for the store's tests. */
export { nextNodeStatus }

/** Creates the progress slice. */
export const createProgressSlice: StateCreator<AppState, [], [], ProgressSlice> = (set) => ({
  liveProgress: {},
  nodeStates: {},
  previews: {},
  applyProgress: (evt, now) =>
    set((s) => {
      const live: LiveProgress = {
        progress: evt.progress,
        nodeId: evt.nodeId,
        classType: evt.classType,
        value: evt.value,
        max: evt.max,
      }
      const patch: Partial<AppState> = { liveProgress: { ...s.liveProgress, [evt.runId]: live } }
      if (evt.nodeId) {
        const nodes = applyNodeChange(s.nodeStates[evt.runId] ?? {}, evt.nodeId, evt, now)
        patch.nodeStates = { ...s.nodeStates, [evt.runId]: nodes }
      }
      return patch
    }),
  seedNodes: (runId, nodes) => set((s) => ({ nodeStates: { ...s.nodeStates, [runId]: nodes } })),
  setPreview: (runId, url) => set((s) => ({ previews: { ...s.previews, [runId]: url } })),
  clearLive: (runId) =>
    set((s) => {
      if (!s.liveProgress[runId]) return {}
      const { [runId]: _gone, ...rest } = s.liveProgress
      return { liveProgress: rest }
    }),
})
