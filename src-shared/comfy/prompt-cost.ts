/**
 * The expected work of a prompt, in the one unit the scheduler uses everywhere: one unit per node, and
 * a sampler's steps count as units too. Main orders a burst of submissions by it (longest first) and the
 * worker places runs by it (divided by each server's learned rate), so both must agree: one home.
 */
import type { ApiPrompt } from '../contract/runs'

/**
 * A node's sampler steps: its numeric `steps` input (KSampler and its kin), or 0 for a node whose work is
 * not counted in steps. The one rule for "this node is a sampler": cost, the progress bar's weights and the
 * GPU speed measured from progress events (src-worker/scheduler/step-clock.ts) all use it.
 */
export function samplerSteps(node: { inputs: Record<string, unknown> }): number {
  const steps = node.inputs.steps
  return typeof steps === 'number' && Number.isFinite(steps) && steps > 0 ? steps : 0
}

/** Relative work of a prompt: one unit per node, sampler steps count as units too. */
export function promptCost(prompt: ApiPrompt): number {
  let cost = 0
  for (const node of Object.values(prompt)) cost += 1 + samplerSteps(node)
  return Math.max(1, cost)
}
