import type { BatchSummary, RunState, RunSummary } from '../../../src-shared/contract'

/** States in which a run still has work ahead of it. */
export const ACTIVE_STATES: ReadonlySet<RunState> = new Set(['pending', 'queued', 'running'])

/** Whether a run is still pending, queued or running. */
export const isActive = (state: RunState): boolean => ACTIVE_STATES.has(state)

/** The runs screen's layout: item keys are `run:<id>` or `batch:<id>`. */
export interface RunLists {
  active: string[]
  recent: string[]
  /** Run ids per batch, in submission order (seed 0 first). */
  batchRuns: Record<string, string[]>
  running: number
  pending: number
}

/**
 * A batch child's index (ids are `run-<batch>-<index>`): children are discovered in any order, but
 * listed in the order they were submitted.
 */
function batchIndex(r: RunSummary): number {
  const m = /-(\d+)$/.exec(r.id)
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER
}

/** Submission order: rows never jump when a run starts, is queued on a server, or moves. */
const bySubmission = (a: RunSummary, b: RunSummary): number => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)

/**
 * Groups runs into the active and recent lists, a batch showing once (as a group) at the place of
 * its most relevant run. Pure, so the slice can recompute it only when a run's placement changes.
 */
export function computeRunLists(runs: Iterable<RunSummary>): RunLists {
  const all = [...runs]
  const active = all.filter((r) => isActive(r.status))
  const recent = all.filter((r) => !isActive(r.status))
  active.sort(bySubmission)
  recent.sort((a, b) => (b.finishedAt ?? b.createdAt) - (a.finishedAt ?? a.createdAt))
  const batchRuns: Record<string, string[]> = {}
  const children = all.filter((r) => r.batchId)
  children.sort((a, b) => batchIndex(a) - batchIndex(b) || bySubmission(a, b))
  for (const r of children) (batchRuns[r.batchId!] ??= []).push(r.id)
  const activeBatches = new Set(active.filter((r) => r.batchId).map((r) => r.batchId))
  const seen = new Set<string>()
  const toItems = (list: RunSummary[], isRecent: boolean): string[] => {
    const items: string[] = []
    for (const r of list) {
      if (!r.batchId) {
        items.push(`run:${r.id}`)
        continue
      }
      if (seen.has(r.batchId) || (isRecent && activeBatches.has(r.batchId))) continue
      seen.add(r.batchId)
      items.push(`batch:${r.batchId}`)
    }
    return items
  }
  return {
    active: toItems(active, false),
    // Not capped: the list is virtualized, and "Clear finished" is how a user shortens it.
    recent: toItems(recent, true),
    batchRuns,
    running: active.filter((r) => r.status === 'running').length,
    pending: active.length - active.filter((r) => r.status === 'running').length,
  }
}

/** Whether a summary update can move the run between lists (progress-only updates cannot). */
export function placementChanged(prev: RunSummary | undefined, next: RunSummary): boolean {
  return (
    !prev ||
    prev.status !== next.status ||
    prev.batchId !== next.batchId ||
    prev.startedAt !== next.startedAt ||
    prev.finishedAt !== next.finishedAt
  )
}

/** Batch counters derived from its runs' states, for a batch whose summary has not arrived. */
export function batchCounts(
  states: RunState[]
): Pick<BatchSummary, 'total' | 'completed' | 'failed' | 'cancelled' | 'running' | 'status'> {
  const count = (st: RunState): number => states.filter((x) => x === st).length
  const active = states.filter(isActive).length
  const failed = count('failed')
  const status: RunState =
    active > 0
      ? 'running'
      : failed > 0
        ? 'failed'
        : states.length && count('cancelled') === states.length
          ? 'cancelled'
          : 'completed'
  return {
    total: states.length,
    completed: count('completed'),
    failed,
    cancelled: count('cancelled'),
    running: count('running'),
    status,
  }
}

/** How far along a run is: pending < queued < running < any end state. */
export function statusRank(state: RunState): number {
  return state === 'pending' ? 0 : state === 'queued' ? 1 : state === 'running' ? 2 : 3
}
