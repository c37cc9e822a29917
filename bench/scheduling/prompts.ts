/** The ComfyUI graph of one scenario run: the sample txt2img, plus an upscale step for runs that need one. */
import type { ApiPrompt } from '../../src-shared/contract/runs'
import { txt2img } from '../../sim'
import { RARE_UPSCALER, type RunSpec } from './scenarios'

export function promptOf(spec: RunSpec, prefix: string): ApiPrompt {
  const prompt = txt2img({ steps: spec.steps, seed: 1000 + spec.index, ckpt: spec.ckpt, prefix })
  if (!spec.upscale) return prompt
  return {
    ...prompt,
    '20': { class_type: 'UpscaleModelLoader', inputs: { model_name: RARE_UPSCALER } },
    '21': { class_type: 'ImageUpscaleWithModel', inputs: { upscale_model: ['20', 0], image: ['8', 0] } },
    '9': { class_type: 'SaveImage', inputs: { images: ['21', 0], filename_prefix: prefix } },
  }
}

/** The models a run's loaders use, as the simulator's timeline names them. */
export function modelsOf(spec: RunSpec): string[] {
  return spec.upscale ? [spec.ckpt, RARE_UPSCALER] : [spec.ckpt]
}
