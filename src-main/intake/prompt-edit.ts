import { err, ok } from '../../src-shared/contract/result'
import type { Result } from '../../src-shared/contract/result'
import type { ApiPrompt } from '../../src-shared/contract/runs'
import { INTAKE_ERRORS } from '../../src-shared/contract/intake'
import { wrapListValue } from './widget-values'
import { setPromptSeeds } from '../../src-shared/comfy/seed-edit'

/**
 * Returns a copy of `prompt` with every seed set to `seed` (literal seeds, and a linked seed at its source node:
 * src-shared/comfy/seed-edit.ts, the same editor the batch workflow uses), or an error when there is none.
 */
export function setSeed(prompt: ApiPrompt, seed: number): Result<ApiPrompt> {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    return err(INTAKE_ERRORS.noSuchInput, `A seed must be a whole number from 0 to 2^53-1; got ${seed}.`)
  }
  const edit = setPromptSeeds(prompt, seed)
  if (edit.changed === 0) return err(INTAKE_ERRORS.noSeedInput, 'The workflow has no seed or noise_seed input to set.')
  return ok(edit.prompt)
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
