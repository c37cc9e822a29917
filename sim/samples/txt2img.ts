import type { ApiPrompt } from '../../src-shared/contract/runs'

/** A checkpoint every simulated server offers by default (DEFAULT_MODELS). */
export const SAMPLE_CHECKPOINT = 'v1-5-pruned-emaonly-fp16.safetensors'

/**
 * A small text-to-image graph for the simulator's default catalog: checkpoint → prompts → latent →
 * KSampler → VAE decode → SaveImage. `steps` sets the simulated work (steps × stepMs / speed).
 * Shared by the engine tests, the chaos suite and the benchmarks.
 */
export function txt2img(
  options: { steps?: number; seed?: number; prefix?: string; ckpt?: string; text?: string } = {}
): ApiPrompt {
  return {
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: options.ckpt ?? SAMPLE_CHECKPOINT } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: options.text ?? 'a lighthouse at dusk', clip: ['4', 1] } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip: ['4', 1] } },
    '5': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 48, batch_size: 1 } },
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
