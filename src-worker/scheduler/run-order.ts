/**
 * The order in which waiting runs get free slots: more urgent first (Temporal's priority key, lower
 * first, default 3), then the longest expected work first. Within a batch or a burst whose order the
 * user did not fix, starting the long runs first is what keeps a few long runs submitted last from
 * running alone at the end while the other GPUs sit idle (LPT: within 4/3 of the optimum, and near it
 * when the long runs are few).
 */
import type { PlacementRequest } from './placement'

/** Temporal's default priority key with its default 1..5 range. */
export const DEFAULT_PRIORITY = 3

export function urgency(request: PlacementRequest): number {
  return request.priority ?? DEFAULT_PRIORITY
}

/** True for a run more urgent than the default: it may go before the runs queued on a server. */
export function isUrgent(request: PlacementRequest): boolean {
  return urgency(request) < DEFAULT_PRIORITY
}

/** Sort comparator: urgent first, then longest expected work first, then arrival order (stable sort). */
export function compareWaiting(a: PlacementRequest, b: PlacementRequest): number {
  return urgency(a) - urgency(b) || b.cost - a.cost
}
