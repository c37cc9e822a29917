/**
 * How a burst of runs submitted in one request is started: longest expected work first, several at a
 * time. Temporal hands activity tasks out in the order the runs were started (within a priority), and a
 * worker sees only a few waiting runs at once; so a few long runs listed last would start last and run
 * alone at the end while the other GPUs sit idle (issue #17, S2). The user did not fix an order by
 * sending them together, so the scheduler picks it. Starting one at a time would also leave the last
 * runs unseen for seconds (≈0.1 s of Temporal round trips each).
 */
import { promptCost } from '../../src-shared/comfy/prompt-cost'
import type { ApiPrompt } from '../../src-shared/contract/runs'

/** Workflow starts in flight at once: enough to hide Temporal's round trips, few enough to keep the order. */
export const START_CONCURRENCY = 8

export interface StartItem {
  prompt: ApiPrompt
  /** Runs it stands for (a batch: its size); its expected work is the prompt's cost times this. */
  runs: number
}

/** Indexes of `items`, longest expected work first; equal work keeps the user's order. */
export function longestFirst(items: StartItem[]): number[] {
  const work = items.map((it) => promptCost(it.prompt) * it.runs)
  return items.map((_, i) => i).sort((a, b) => work[b]! - work[a]! || a - b)
}

/**
 * Calls `start` for every index in `order`, at most `limit` at once, each begun in that order; resolves
 * with the results by index (the user's order). The first failure rejects once the started ones settle.
 */
export async function startInOrder<T>(
  order: number[],
  start: (index: number) => Promise<T>,
  limit = START_CONCURRENCY
): Promise<T[]> {
  const results: T[] = new Array<T>(order.length)
  let next = 0
  let failing = false
  const lane = async (): Promise<void> => {
    while (next < order.length && !failing) {
      const index = order[next++]!
      try {
        results[index] = await start(index)
      } catch (error) {
        failing = true // Start no more: as before, a failed start ends the request (the ones started stay).
        throw error
      }
    }
  }
  const lanes = Array.from({ length: Math.min(limit, order.length) }, () => lane())
  const settled = await Promise.allSettled(lanes)
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed !== undefined) throw failed.reason
  return results
}
