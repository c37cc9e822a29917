import type { StateCreator } from 'zustand'
import type { NodeStatus, RunProgressEvent } from '../../../src-shared/contract'
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

/** Applies one progress event to a node's status (pure, exported for tests). */
export function nextNodeStatus(prev: NodeStatus | undefined, evt: RunProgressEvent, now: number): NodeStatus {
  const state = evt.nodeState ?? prev?.state ?? 'running'
  const next: NodeStatus = { ...(prev ?? { class_type: evt.classType ?? '?' }), state }
  if (evt.classType) next.class_type = evt.classType
  if (evt.value != null) next.value = evt.value
  if (evt.max != null) next.max = evt.max
  if (state === 'running' && next.started_at == null) next.started_at = now
  if ((state === 'done' || state === 'error' || state === 'cached') && next.finished_at == null) next.finished_at = now
  return next
}

/**
 * ComfyUI executes a prompt's nodes one at a time: once another node starts, any node still marked
 * running has finished, at the latest when the new one started (`at`); ComfyUI's own 'executed'
 * message only comes for output nodes.
 */
export function finishOthers(
  nodes: Record<string, NodeStatus>,
  runningId: string,
  at: number
): Record<string, NodeStatus> {
  let out = nodes
  for (const [id, n] of Object.entries(nodes)) {
    if (id === runningId || n.state !== 'running') continue
    if (out === nodes) out = { ...nodes }
    out[id] = { ...n, state: 'done', finished_at: n.finished_at ?? Math.max(at, n.started_at ?? at) }
  }
  return out
}

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
        const nodes =
          evt.nodeState === 'running'
            ? finishOthers(
                s.nodeStates[evt.runId] ?? {},
                evt.nodeId,
                s.nodeStates[evt.runId]?.[evt.nodeId]?.started_at ?? now
              )
            : (s.nodeStates[evt.runId] ?? {})
        const node = nextNodeStatus(nodes[evt.nodeId], evt, now)
        patch.nodeStates = { ...s.nodeStates, [evt.runId]: { ...nodes, [evt.nodeId]: node } }
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
