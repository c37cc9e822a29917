import { describe, expect, it } from 'vitest'
import { setPromptSeeds } from '../../../../src-shared/comfy/seed-edit'
import { promptAt, sweepSize } from '../../../../src-shared/runs/batch-sweep'
import { setSeed } from '../../../../src-main/intake'
import type { ApiPrompt } from '../../../../src-shared/contract/runs'
import type { BatchSweep } from '../../../../src-shared/temporal/contract'
import { txt2img } from '../../../integration/engine/prompts'

/** txt2img whose KSampler seed is a link to a PrimitiveInt, as the frontend saves a shared seed. */
function linkedSeed(): ApiPrompt {
  const prompt = txt2img({ seed: 1 })
  prompt['3']!.inputs.seed = ['30', 0]
  prompt['30'] = { class_type: 'PrimitiveInt', inputs: { value: 5, control_after_generate: 'fixed' } }
  return prompt
}

describe('one seed editor for intake and batch sweeps', () => {
  it('a seed range over a seed linked to a PrimitiveInt queues distinct seeds', () => {
    const sweep: BatchSweep = { kind: 'seeds', from: 100, to: 104 }
    const seeds = Array.from({ length: sweepSize(sweep) }, (_, i) => promptAt(linkedSeed(), sweep, i, 'b'))
    expect(seeds.map((p) => p['30']!.inputs.value)).toEqual([100, 101, 102, 103, 104])
    // The sampler still reads the shared node: the link is kept, not replaced by a literal.
    expect(seeds.every((p) => JSON.stringify(p['3']!.inputs.seed) === '["30",0]')).toBe(true)
  })

  it('a count sweep over a linked seed gives each run its own seed', () => {
    const sweep: BatchSweep = { kind: 'count', count: 3 }
    const values = [0, 1, 2].map((i) => promptAt(linkedSeed(), sweep, i, 'batch-x')['30']!.inputs.value)
    expect(new Set(values).size).toBe(3)
  })

  it('intake and the workflow make the same prompt for the same seed', () => {
    const fromIntake = setSeed(linkedSeed(), 42)
    expect(fromIntake.ok && fromIntake.value).toEqual(
      promptAt(linkedSeed(), { kind: 'seeds', from: 42, to: 42 }, 0, 'b')
    )
  })

  it('follows a chain of seed nodes, sets a shared source once, and stops at a loop', () => {
    const prompt = linkedSeed()
    prompt['30']!.inputs.value = ['31', 0]
    prompt['31'] = { class_type: 'Seed (rgthree)', inputs: { seed: 9 } }
    prompt['40'] = { class_type: 'KSamplerAdvanced', inputs: { noise_seed: ['31', 0] } }
    const edit = setPromptSeeds(prompt, 7)
    expect(edit.prompt['31']!.inputs.seed).toBe(7)
    expect(edit.prompt['30']!.inputs.value).toEqual(['31', 0])
    expect(prompt['31'].inputs.seed).toBe(9)
    const loop: ApiPrompt = {
      '1': { class_type: 'KSampler', inputs: { seed: ['2', 0] } },
      '2': { class_type: 'PrimitiveInt', inputs: { value: ['1', 0] } },
    }
    expect(setPromptSeeds(loop, 7).changed).toBe(0)
  })
})
