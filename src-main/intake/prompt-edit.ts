import { err, ok } from '../../src-shared/contract/result'
import type { Result } from '../../src-shared/contract/result'
import type { ApiPrompt } from '../../src-shared/contract/runs'
import { INTAKE_ERRORS } from '../../src-shared/contract/intake'
import { wrapListValue } from './widget-values'

const SEED_INPUTS = ['seed', 'noise_seed']
/** Inputs of a seed-source node (PrimitiveInt, "Seed (rgthree)", …) that hold the number itself. */
const SOURCE_INPUTS = ['seed', 'noise_seed', 'value', 'int']

/**
 * Returns a copy of `prompt` with every literal `seed`/`noise_seed` set to `seed`. A seed input that is a link
 * (a shared seed node) has the source node's number set instead, so one seed node still feeds every sampler.
 */
export function setSeed(prompt: ApiPrompt, seed: number): Result<ApiPrompt> {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    return err(INTAKE_ERRORS.noSuchInput, `A seed must be a whole number from 0 to 2^53-1; got ${seed}.`)
  }
  const next = structuredClone(prompt)
  let changed = 0
  for (const node of Object.values(next)) {
    for (const name of SEED_INPUTS) {
      const value = node.inputs[name]
      if (typeof value === 'number') {
        node.inputs[name] = seed
        changed++
      } else if (Array.isArray(value)) {
        changed += setSourceNumber(next, String(value[0]), seed)
      }
    }
  }
  if (changed === 0) return err(INTAKE_ERRORS.noSeedInput, 'The workflow has no seed or noise_seed input to set.')
  return ok(next)
}

function setSourceNumber(prompt: ApiPrompt, id: string, seed: number): number {
  const source = prompt[id]
  const name = source && SOURCE_INPUTS.find((n) => typeof source.inputs[n] === 'number')
  if (!source || !name) return 0
  source.inputs[name] = seed
  return 1
}

/** Returns a copy of `prompt` with input `inputName` of node `nodeId` set to the literal `value`. */
export function setInput(prompt: ApiPrompt, nodeId: string, inputName: string, value: unknown): Result<ApiPrompt> {
  const node = prompt[nodeId]
  if (!node) return err(INTAKE_ERRORS.noSuchInput, `There is no node ${JSON.stringify(nodeId)} in the workflow.`)
  if (inputName === '') return err(INTAKE_ERRORS.noSuchInput, 'An input name is required.')
  const next = structuredClone(prompt)
  next[nodeId]!.inputs[inputName] = wrapListValue(value)
  return ok(next)
}
