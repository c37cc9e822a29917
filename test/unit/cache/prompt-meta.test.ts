import { describe, expect, it } from 'vitest'
import { extractPromptMeta } from '../../../src-main/cache'
import type { ApiPrompt } from '../../../src-shared/contract/runs'

/** ComfyUI's default text-to-image workflow in API format. */
const DEFAULT_WORKFLOW: ApiPrompt = {
  '3': {
    class_type: 'KSampler',
    inputs: {
      seed: 156680208700286,
      steps: 20,
      cfg: 8,
      sampler_name: 'euler',
      scheduler: 'normal',
      denoise: 1,
      model: ['4', 0],
      positive: ['6', 0],
      negative: ['7', 0],
      latent_image: ['5', 0],
    },
  },
  '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
  '5': { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: 'beautiful scenery nature glass bottle', clip: ['4', 1] } },
  '7': { class_type: 'CLIPTextEncode', inputs: { text: 'text, watermark', clip: ['4', 1] } },
  '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
  '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'ComfyUI', images: ['8', 0] } },
}

describe('extractPromptMeta', () => {
  it('reads the default workflow', () => {
    expect(extractPromptMeta(DEFAULT_WORKFLOW)).toEqual({
      positive: 'beautiful scenery nature glass bottle',
      negative: 'text, watermark',
      seed: 156680208700286,
      models: ['v1-5-pruned-emaonly.safetensors'],
    })
  })

  it('follows conditioning chains, primitive text and linked seeds, and collects LoRAs', () => {
    const prompt: ApiPrompt = {
      ...DEFAULT_WORKFLOW,
      '3': {
        class_type: 'KSamplerAdvanced',
        inputs: { noise_seed: ['20', 0], positive: ['10', 0], negative: ['7', 0], model: ['11', 0] },
      },
      '6': { class_type: 'CLIPTextEncode', inputs: { text: ['21', 0], clip: ['4', 1] } },
      '10': { class_type: 'ControlNetApply', inputs: { conditioning: ['6', 0], control_net: ['12', 0], strength: 1 } },
      '11': { class_type: 'LoraLoader', inputs: { lora_name: 'detail.safetensors', model: ['4', 0], clip: ['4', 1] } },
      '12': { class_type: 'ControlNetLoader', inputs: { control_net_name: 'canny.pth' } },
      '20': { class_type: 'PrimitiveInt', inputs: { value: 7 } },
      '21': { class_type: 'PrimitiveString', inputs: { value: 'a red fox' } },
    }
    expect(extractPromptMeta(prompt)).toEqual({
      positive: 'a red fox',
      negative: 'text, watermark',
      seed: 7,
      models: ['canny.pth', 'detail.safetensors', 'v1-5-pruned-emaonly.safetensors'],
    })
  })

  it('survives link cycles and prompts without a sampler', () => {
    const cyclic: ApiPrompt = {
      '1': { class_type: 'KSampler', inputs: { positive: ['2', 0], negative: ['2', 0], seed: ['2', 0] } },
      '2': { class_type: 'Odd', inputs: { conditioning: ['2', 0], value: ['2', 0] } },
    }
    expect(extractPromptMeta(cyclic)).toEqual({ positive: null, negative: null, seed: null, models: [] })
    expect(extractPromptMeta({ '1': { class_type: 'EmptyImage', inputs: {} } }).positive).toBeNull()
  })
})
