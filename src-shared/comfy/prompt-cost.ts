/**
 * The expected work of a prompt, in the one unit the scheduler uses everywhere: one unit per node, and
 * a sampler's steps count as units too. Main orders a burst of submissions by it (longest first) and the
 * worker places runs by it (divided by each server's learned rate), so both must agree: one home.
 */
import type { ApiPrompt } from '../contract/runs'

/** Relative work of a prompt: one unit per node, sampler steps count as units too. */
export function promptCost(prompt: ApiPrompt): number {
  let cost = 0
  for (const node of Object.values(prompt)) {
    const steps = node.inputs.steps
    cost += typeof steps === 'number' && steps > 0 ? 1 + steps : 1
  }
  return Math.max(1, cost)
}
