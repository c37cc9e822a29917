/**
 * A GPU's speed from the sampler steps of the prompt running there: ms per step, averaged from the second
 * progress event of a sampler node on (the first one also carries the model load and the node's set-up).
 * A run's own duration teaches the speed only once it ends, and a burst is placed before that: on a farm
 * of GPUs of speed 1, 1, 0.5 and 2 the longest run went to a speed-1 GPU (issue #17 S2, 1.32–1.47× the
 * bound) because no rate was known yet. Steps arrive from a run's first second.
 */
import { samplerSteps } from '../../src-shared/comfy/prompt-cost'
import type { ApiPrompt } from '../../src-shared/contract/runs'

/** A step of this many ms or more is not a speed (a stalled server, a paused sampler). */
const MAX_STEP_MS = 10 * 60_000
/** Averages over at least this many steps: WebSocket frames can arrive bunched. */
const MIN_STEPS = 2

export class StepClock {
  private first: { node: string; value: number; at: number } | null = null
  /** The prompt's first sampler progress event: what came before it (less its steps) was set-up and loads. */
  private firstEver: { value: number; at: number } | null = null

  /** `samplerNodes`: ids of the prompt's nodes whose work is counted in steps (see prompt-cost.ts). */
  constructor(private readonly samplerNodes: ReadonlySet<string>) {}

  /**
   * A progress event of the running prompt at `at` (ms). Returns ms per step over the steps seen so far of
   * this node, or null while there are too few to tell (or the event is not a sampler's step).
   */
  onProgress(node: string | undefined, value: number, at: number): number | null {
    if (node === undefined || !this.samplerNodes.has(node) || !Number.isSafeInteger(value) || value < 0) return null
    this.firstEver ??= { value, at }
    const first = this.first
    if (first === null || first.node !== node || value <= first.value) {
      this.first = { node, value, at }
      return null
    }
    const steps = value - first.value
    const ms = at - first.at
    if (steps < MIN_STEPS || ms <= 0) return null
    const perStep = ms / steps
    return perStep < MAX_STEP_MS ? perStep : null
  }

  /**
   * ms from the prompt's start (`startAt`, its execution_start) to its first sampler step, less the time of
   * the steps that first event reports (`perStep` each): the loader nodes, the model's move to the GPU and the
   * nodes before the sampler. A model load is measured here, not from the run's whole time, whose expected
   * part comes from rough rates (issue #17 S3: a 1.6 s load learned as 0.6 s, so the plan thought a switch
   * cheap). Null before the first step, or when the start was not seen before it.
   */
  setupMs(startAt: number, perStep: number): number | null {
    const first = this.firstEver
    if (first === null || first.at < startAt) return null
    return Math.max(0, first.at - startAt - first.value * perStep)
  }
}

/** Ids of the nodes of a prompt whose work is sampler steps (prompt-cost.ts's rule). */
export function samplerNodeIds(prompt: ApiPrompt): Set<string> {
  return new Set(Object.keys(prompt).filter((id) => samplerSteps(prompt[id]!) > 0))
}
