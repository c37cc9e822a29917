import { describe, expect, test } from 'vitest'
import { generationData } from '../../../../src-shared/comfy/generation-data'
import type { ApiPrompt } from '../../../../src-shared/contract/runs'
import { workflowFixture } from '../../../helpers/intake-fixtures'

describe('generationData', () => {
  test("reads the default graph's sampler settings and latent size", () => {
    const p = workflowFixture('basic-api-example.api.json') as unknown as ApiPrompt
    expect(generationData(p)).toEqual({
      sampler: 'euler',
      scheduler: 'normal',
      steps: 20,
      cfg: 8,
      denoise: 1,
      loras: [],
      width: 512,
      height: 512,
    })
  })

  test('lists every LoRA with its strengths; linked values are not guessed', () => {
    const p: ApiPrompt = {
      '1': { class_type: 'LoraLoader', inputs: { lora_name: 'a.safetensors', strength_model: 0.8, strength_clip: 1 } },
      '2': { class_type: 'LoraLoaderModelOnly', inputs: { lora_name: 'b.safetensors', strength_model: 0.5 } },
      '3': { class_type: 'KSampler', inputs: { sampler_name: 'dpmpp_2m', steps: ['9', 0], cfg: 6.5 } },
    }
    const g = generationData(p)
    expect(g.loras).toEqual([
      { name: 'a.safetensors', strengthModel: 0.8, strengthClip: 1 },
      { name: 'b.safetensors', strengthModel: 0.5, strengthClip: null },
    ])
    expect(g).toMatchObject({ sampler: 'dpmpp_2m', steps: null, cfg: 6.5, width: null })
  })
})
