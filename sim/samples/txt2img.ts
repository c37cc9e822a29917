import type { ApiPrompt } from '../../src-shared/contract/runs'

/** A checkpoint every simulated server offers by default (DEFAULT_MODELS). */
export const SAMPLE_CHECKPOINT = 'v1-5-pruned-emaonly-fp16.safetensors'

/** What a caller may change in {@link txt2img}; everything else is ComfyUI's default graph. */
export interface Txt2ImgOptions {
  steps?: number
  seed?: number
  prefix?: string
  ckpt?: string
  /** The positive prompt. */
  text?: string
  negative?: string
  width?: number
  height?: number
}

/**
 * A small text-to-image graph for the simulator's default catalog: checkpoint → prompts → latent →
 * KSampler → VAE decode → SaveImage. `steps` sets the simulated work (steps × stepMs / speed).
 * Shared by the engine, app and farm tests, the chaos suite, the benchmarks and the renderer's dev
 * fixtures, so it must stay pure: no Node or simulator imports, only the ApiPrompt type.
 */
export function txt2img(options: Txt2ImgOptions = {}): ApiPrompt {
  return {
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: options.ckpt ?? SAMPLE_CHECKPOINT } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: options.text ?? 'a lighthouse at dusk', clip: ['4', 1] } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: options.negative ?? 'blurry', clip: ['4', 1] } },
    '5': {
      class_type: 'EmptyLatentImage',
      inputs: { width: options.width ?? 64, height: options.height ?? 48, batch_size: 1 },
    },
    '3': {
      class_type: 'KSampler',
      inputs: {
        seed: options.seed ?? 42,
        steps: options.steps ?? 10,
        cfg: 7,
        sampler_name: 'euler',
        scheduler: 'normal',
        denoise: 1,
        model: ['4', 0],
        positive: ['6', 0],
        negative: ['7', 0],
        latent_image: ['5', 0],
      },
    },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    '9': { class_type: 'SaveImage', inputs: { images: ['8', 0], filename_prefix: options.prefix ?? 'ComfyUI' } },
  }
}
