import { describe, expect, it } from 'vitest'
import { extractRunMetadata, intakeFile, setInput, setSeed } from '../../../../src-main/intake'
import type { ApiPrompt } from '../../../../src-shared/contract/runs'
import { expectErr, expectOk, fixtureBytes, options, workflowFixture } from '../../../helpers/intake-fixtures'

const api = (): ApiPrompt => workflowFixture('basic-api-example.api.json') as ApiPrompt

describe('run metadata', () => {
  it("follows KSampler positive/negative to the text encoders' text", () => {
    expect(extractRunMetadata(api(), 'basic_api_example.json')).toEqual({
      positivePrompt: 'masterpiece best quality girl',
      negativePrompt: 'bad hands',
      seeds: [8566257],
      models: ['v1-5-pruned-emaonly.safetensors'],
      workflowName: 'basic_api_example',
    })
  })

  it('sees through ControlNetApplyAdvanced (outputs [positive, negative]) and collects every model kind', () => {
    const prompt: ApiPrompt = {
      '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd_xl_base_1.0.safetensors' } },
      '2': {
        class_type: 'LoraLoader',
        inputs: {
          model: ['1', 0],
          clip: ['1', 1],
          lora_name: 'film_grain.safetensors',
          strength_model: 1,
          strength_clip: 1,
        },
      },
      '3': { class_type: 'CLIPTextEncode', inputs: { text: 'a red fox', clip: ['2', 1] } },
      '4': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip: ['2', 1] } },
      '5': { class_type: 'ControlNetLoader', inputs: { control_net_name: 'control_v11p_sd15_canny.pth' } },
      '6': {
        class_type: 'ControlNetApplyAdvanced',
        inputs: {
          positive: ['3', 0],
          negative: ['4', 0],
          control_net: ['5', 0],
          image: ['7', 0],
          strength: 1,
          start_percent: 0,
          end_percent: 1,
        },
      },
      '7': { class_type: 'LoadImage', inputs: { image: 'example.png' } },
      '8': {
        class_type: 'KSamplerAdvanced',
        inputs: {
          model: ['2', 0],
          positive: ['6', 0],
          negative: ['6', 1],
          latent_image: ['9', 0],
          noise_seed: 99,
          add_noise: 'enable',
        },
      },
      '9': { class_type: 'EmptyLatentImage', inputs: { width: 1024, height: 1024, batch_size: 1 } },
      '10': { class_type: 'VAELoader', inputs: { vae_name: 'sdxl_vae.safetensors' } },
      '11': { class_type: 'UpscaleModelLoader', inputs: { model_name: '4x-UltraSharp.pth' } },
    }
    const meta = extractRunMetadata(prompt, null)
    expect(meta.positivePrompt).toBe('a red fox')
    expect(meta.negativePrompt).toBe('blurry')
    expect(meta.seeds).toEqual([99])
    expect(meta.models).toEqual([
      'sd_xl_base_1.0.safetensors',
      'film_grain.safetensors',
      'control_v11p_sd15_canny.pth',
      'sdxl_vae.safetensors',
      '4x-UltraSharp.pth',
    ])
    expect(meta.workflowName).toBeNull()
  })

  it('is part of every intake result (converted UI workflow with a primitive-fed prompt)', () => {
    const name = 'constructed-v1-bypass-primitive.json'
    const { meta } = expectOk(intakeFile({ name, bytes: fixtureBytes(name) }, options()))
    expect(meta).toEqual({
      positivePrompt: 'a cat in a spacesuit',
      negativePrompt: 'blurry, lowres',
      seeds: [424242],
      models: ['v1-5-pruned-emaonly.safetensors'],
      workflowName: 'constructed-v1-bypass-primitive',
    })
  })
})

describe('batch helpers', () => {
  it('sets every seed and noise_seed and leaves the input prompt untouched', () => {
    const prompt = api()
    prompt['20'] = { class_type: 'KSamplerAdvanced', inputs: { noise_seed: 1 } }
    const next = expectOk(setSeed(prompt, 12345))
    expect(next['3']!.inputs.seed).toBe(12345)
    expect(next['20']!.inputs.noise_seed).toBe(12345)
    expect(prompt['3']!.inputs.seed).toBe(8566257)
  })

  it('sets a linked seed at its source node', () => {
    const prompt = api()
    prompt['3']!.inputs.seed = ['30', 0]
    prompt['30'] = { class_type: 'PrimitiveInt', inputs: { value: 5 } }
    expect(expectOk(setSeed(prompt, 77))['30']!.inputs.value).toBe(77)
  })

  it('refuses a prompt without seeds and an invalid seed', () => {
    const prompt: ApiPrompt = { '1': { class_type: 'SaveImage', inputs: {} } }
    expect(expectErr(setSeed(prompt, 1))).toEqual({
      code: 'intake/no-seed-input',
      message: 'The workflow has no seed or noise_seed input to set.',
    })
    expect(expectErr(setSeed(api(), -1)).code).toBe('intake/no-such-input')
  })

  it('sets any input of any node, wrapping lists', () => {
    const next = expectOk(setInput(api(), '6', 'text', 'a castle'))
    expect(next['6']!.inputs.text).toBe('a castle')
    expect(expectOk(setInput(api(), '6', 'tags', ['a', 'b']))['6']!.inputs.tags).toEqual({ __value__: ['a', 'b'] })
    expect(expectErr(setInput(api(), '99', 'text', 'x'))).toEqual({
      code: 'intake/no-such-input',
      message: 'There is no node "99" in the workflow.',
    })
  })
})
