/**
 * Core node classes from ComfyUI's nodes.py, as of the baseline 0.3.64 (commit a125cd84, 2025-10-11).
 *
 * Input definitions (types, defaults, min/max/step, tooltips, option lists, control_after_generate) were read
 * from ComfyUI's nodes.py; categories and display names follow 0.3.64 (later upstream versions renamed
 * categories to "model/…" and display names such as "Invert Image Colors" — we keep the baseline).
 * MAX_RESOLUTION is 16384 in 0.3.64.
 */
import type { InputDef, NodeDef } from './types'

export const MAX_RESOLUTION = 16384
/** 0xffffffffffffffff: Python int; kept as bigint so /object_info prints it exactly. */
export const SEED_MAX = 18446744073709551615n

/** comfy.samplers.KSampler.SAMPLERS in 0.3.64. */
export const SAMPLERS = [
  'euler',
  'euler_cfg_pp',
  'euler_ancestral',
  'euler_ancestral_cfg_pp',
  'heun',
  'heunpp2',
  'dpm_2',
  'dpm_2_ancestral',
  'lms',
  'dpm_fast',
  'dpm_adaptive',
  'dpmpp_2s_ancestral',
  'dpmpp_2s_ancestral_cfg_pp',
  'dpmpp_sde',
  'dpmpp_sde_gpu',
  'dpmpp_2m',
  'dpmpp_2m_cfg_pp',
  'dpmpp_2m_sde',
  'dpmpp_2m_sde_gpu',
  'dpmpp_2m_sde_heun',
  'dpmpp_2m_sde_heun_gpu',
  'dpmpp_3m_sde',
  'dpmpp_3m_sde_gpu',
  'ddpm',
  'lcm',
  'ipndm',
  'ipndm_v',
  'deis',
  'res_multistep',
  'res_multistep_cfg_pp',
  'res_multistep_ancestral',
  'res_multistep_ancestral_cfg_pp',
  'gradient_estimation',
  'gradient_estimation_cfg_pp',
  'er_sde',
  'seeds_2',
  'seeds_3',
  'sa_solver',
  'sa_solver_pece',
  'ddim',
  'uni_pc',
  'uni_pc_bh2',
] as const

/** comfy.samplers.KSampler.SCHEDULERS in 0.3.64. */
export const SCHEDULERS = [
  'simple',
  'sgm_uniform',
  'karras',
  'exponential',
  'ddim_uniform',
  'beta',
  'normal',
  'linear_quadratic',
  'kl_optimal',
] as const

const IMAGE_UPSCALE_METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos']
const LATENT_UPSCALE_METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'bislerp']
const CROP_METHODS = ['disabled', 'center']
const SAVE_HIDDEN = { prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO' }

const t = (type: string, options?: InputDef['options']): InputDef => (options ? { type, options } : { type })
const models = (folder: string, options?: InputDef['options']): InputDef =>
  options ? { type: { folder }, options } : { type: { folder } }
const combo = (list: readonly string[], options?: InputDef['options']): InputDef =>
  options ? { type: list, options } : { type: list }

export const CORE_NODES: readonly NodeDef[] = [
  {
    name: 'KSampler',
    category: 'sampling',
    description: 'Uses the provided model, positive and negative conditioning to denoise the latent image.',
    required: {
      model: t('MODEL', { tooltip: 'The model used for denoising the input latent.' }),
      seed: t('INT', {
        default: 0,
        min: 0,
        max: SEED_MAX,
        control_after_generate: true,
        tooltip: 'The random seed used for creating the noise.',
      }),
      steps: t('INT', {
        default: 20,
        min: 1,
        max: 10000,
        tooltip: 'The number of steps used in the denoising process.',
      }),
      cfg: t('FLOAT', {
        default: 8.0,
        min: 0.0,
        max: 100.0,
        step: 0.1,
        round: 0.01,
        tooltip:
          'The Classifier-Free Guidance scale balances creativity and adherence to the prompt. Higher values result in images more closely matching the prompt however too high values will negatively impact quality.',
      }),
      sampler_name: combo(SAMPLERS, {
        tooltip:
          'The algorithm used when sampling, this can affect the quality, speed, and style of the generated output.',
      }),
      scheduler: combo(SCHEDULERS, {
        tooltip: 'The scheduler controls how noise is gradually removed to form the image.',
      }),
      positive: t('CONDITIONING', {
        tooltip: 'The conditioning describing the attributes you want to include in the image.',
      }),
      negative: t('CONDITIONING', {
        tooltip: 'The conditioning describing the attributes you want to exclude from the image.',
      }),
      latent_image: t('LATENT', { tooltip: 'The latent image to denoise.' }),
      denoise: t('FLOAT', {
        default: 1.0,
        min: 0.0,
        max: 1.0,
        step: 0.01,
        tooltip:
          'The amount of denoising applied, lower values will maintain the structure of the initial image allowing for image to image sampling.',
      }),
    },
    output: ['LATENT'],
    outputTooltips: ['The denoised latent.'],
    behaviour: { kind: 'sampler', stepsInput: 'steps' },
  },
  {
    name: 'KSamplerAdvanced',
    displayName: 'KSampler (Advanced)',
    category: 'sampling',
    required: {
      model: t('MODEL'),
      add_noise: combo(['enable', 'disable']),
      noise_seed: t('INT', { default: 0, min: 0, max: SEED_MAX, control_after_generate: true }),
      steps: t('INT', { default: 20, min: 1, max: 10000 }),
      cfg: t('FLOAT', { default: 8.0, min: 0.0, max: 100.0, step: 0.1, round: 0.01 }),
      sampler_name: combo(SAMPLERS),
      scheduler: combo(SCHEDULERS),
      positive: t('CONDITIONING'),
      negative: t('CONDITIONING'),
      latent_image: t('LATENT'),
      start_at_step: t('INT', { default: 0, min: 0, max: 10000 }),
      end_at_step: t('INT', { default: 10000, min: 0, max: 10000 }),
      return_with_leftover_noise: combo(['disable', 'enable']),
    },
    output: ['LATENT'],
    behaviour: { kind: 'sampler', stepsInput: 'steps', startInput: 'start_at_step', endInput: 'end_at_step' },
  },
  {
    name: 'CheckpointLoaderSimple',
    displayName: 'Load Checkpoint',
    category: 'loaders',
    description: 'Loads a diffusion model checkpoint, diffusion models are used to denoise latents.',
    required: { ckpt_name: models('checkpoints', { tooltip: 'The name of the checkpoint (model) to load.' }) },
    output: ['MODEL', 'CLIP', 'VAE'],
    outputTooltips: [
      'The model used for denoising latents.',
      'The CLIP model used for encoding text prompts.',
      'The VAE model used for encoding and decoding images to and from latent space.',
    ],
    behaviour: { kind: 'loader', modelInputs: ['ckpt_name'] },
  },
  {
    name: 'CLIPTextEncode',
    displayName: 'CLIP Text Encode (Prompt)',
    category: 'conditioning',
    description:
      'Encodes a text prompt using a CLIP model into an embedding that can be used to guide the diffusion model towards generating specific images.',
    required: {
      text: t('STRING', { multiline: true, dynamicPrompts: true, tooltip: 'The text to be encoded.' }),
      clip: t('CLIP', { tooltip: 'The CLIP model used for encoding the text.' }),
    },
    output: ['CONDITIONING'],
    outputTooltips: ['A conditioning containing the embedded text used to guide the diffusion model.'],
  },
  {
    name: 'CLIPSetLastLayer',
    displayName: 'CLIP Set Last Layer',
    category: 'conditioning',
    required: { clip: t('CLIP'), stop_at_clip_layer: t('INT', { default: -1, min: -24, max: -1, step: 1 }) },
    output: ['CLIP'],
  },
  {
    name: 'ConditioningCombine',
    displayName: 'Conditioning (Combine)',
    category: 'conditioning',
    required: { conditioning_1: t('CONDITIONING'), conditioning_2: t('CONDITIONING') },
    output: ['CONDITIONING'],
  },
  {
    name: 'ConditioningAverage',
    displayName: 'Conditioning (Average)',
    category: 'conditioning',
    required: {
      conditioning_to: t('CONDITIONING'),
      conditioning_from: t('CONDITIONING'),
      conditioning_to_strength: t('FLOAT', { default: 1.0, min: 0.0, max: 1.0, step: 0.01 }),
    },
    output: ['CONDITIONING'],
  },
  {
    name: 'ConditioningSetTimestepRange',
    category: 'advanced/conditioning',
    required: {
      conditioning: t('CONDITIONING'),
      start: t('FLOAT', { default: 0.0, min: 0.0, max: 1.0, step: 0.001 }),
      end: t('FLOAT', { default: 1.0, min: 0.0, max: 1.0, step: 0.001 }),
    },
    output: ['CONDITIONING'],
  },
  {
    name: 'ConditioningZeroOut',
    category: 'advanced/conditioning',
    required: { conditioning: t('CONDITIONING') },
    output: ['CONDITIONING'],
  },
  {
    name: 'VAEDecode',
    displayName: 'VAE Decode',
    category: 'latent',
    description: 'Decodes latent images back into pixel space images.',
    required: {
      samples: t('LATENT', { tooltip: 'The latent to be decoded.' }),
      vae: t('VAE', { tooltip: 'The VAE model used for decoding the latent.' }),
    },
    output: ['IMAGE'],
    outputTooltips: ['The decoded image.'],
  },
  {
    name: 'VAEEncode',
    displayName: 'VAE Encode',
    category: 'latent',
    required: { pixels: t('IMAGE'), vae: t('VAE') },
    output: ['LATENT'],
  },
  {
    name: 'VAEDecodeTiled',
    displayName: 'VAE Decode (Tiled)',
    category: '_for_testing',
    required: {
      samples: t('LATENT'),
      vae: t('VAE'),
      tile_size: t('INT', { default: 512, min: 64, max: 4096, step: 32 }),
      overlap: t('INT', { default: 64, min: 0, max: 4096, step: 32 }),
      temporal_size: t('INT', {
        default: 64,
        min: 8,
        max: 4096,
        step: 4,
        tooltip: 'Only used for video VAEs: Amount of frames to decode at a time.',
      }),
      temporal_overlap: t('INT', {
        default: 8,
        min: 4,
        max: 4096,
        step: 4,
        tooltip: 'Only used for video VAEs: Amount of frames to overlap.',
      }),
    },
    output: ['IMAGE'],
  },
  {
    name: 'VAELoader',
    displayName: 'Load VAE',
    category: 'loaders',
    required: { vae_name: models('vae') },
    output: ['VAE'],
    behaviour: { kind: 'loader', modelInputs: ['vae_name'] },
  },
  {
    name: 'EmptyLatentImage',
    displayName: 'Empty Latent Image',
    category: 'latent',
    description: 'Create a new batch of empty latent images to be denoised via sampling.',
    required: {
      width: t('INT', {
        default: 512,
        min: 16,
        max: MAX_RESOLUTION,
        step: 8,
        tooltip: 'The width of the latent images in pixels.',
      }),
      height: t('INT', {
        default: 512,
        min: 16,
        max: MAX_RESOLUTION,
        step: 8,
        tooltip: 'The height of the latent images in pixels.',
      }),
      batch_size: t('INT', { default: 1, min: 1, max: 4096, tooltip: 'The number of latent images in the batch.' }),
    },
    output: ['LATENT'],
    outputTooltips: ['The empty latent image batch.'],
  },
  {
    name: 'LatentUpscale',
    displayName: 'Upscale Latent',
    category: 'latent',
    required: {
      samples: t('LATENT'),
      upscale_method: combo(LATENT_UPSCALE_METHODS),
      width: t('INT', { default: 512, min: 0, max: MAX_RESOLUTION, step: 8 }),
      height: t('INT', { default: 512, min: 0, max: MAX_RESOLUTION, step: 8 }),
      crop: combo(CROP_METHODS),
    },
    output: ['LATENT'],
  },
  {
    name: 'LatentUpscaleBy',
    displayName: 'Upscale Latent By',
    category: 'latent',
    required: {
      samples: t('LATENT'),
      upscale_method: combo(LATENT_UPSCALE_METHODS),
      scale_by: t('FLOAT', { default: 1.5, min: 0.01, max: 8.0, step: 0.01 }),
    },
    output: ['LATENT'],
  },
  {
    name: 'SetLatentNoiseMask',
    displayName: 'Set Latent Noise Mask',
    category: 'latent/inpaint',
    required: { samples: t('LATENT'), mask: t('MASK') },
    output: ['LATENT'],
  },
  {
    name: 'SaveImage',
    displayName: 'Save Image',
    category: 'image',
    description: 'Saves the input images to your ComfyUI output directory.',
    required: {
      images: t('IMAGE', { tooltip: 'The images to save.' }),
      filename_prefix: t('STRING', {
        default: 'ComfyUI',
        tooltip:
          'The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes.',
      }),
    },
    hidden: SAVE_HIDDEN,
    output: [],
    outputNode: true,
    behaviour: { kind: 'save', folder: 'output' },
  },
  {
    name: 'PreviewImage',
    displayName: 'Preview Image',
    category: 'image',
    description: 'Saves the input images to your ComfyUI output directory.',
    required: { images: t('IMAGE') },
    hidden: SAVE_HIDDEN,
    output: [],
    outputNode: true,
    behaviour: { kind: 'save', folder: 'temp' },
  },
  {
    name: 'LoadImage',
    displayName: 'Load Image',
    category: 'image',
    required: { image: { type: { inputFiles: true }, options: { image_upload: true } } },
    output: ['IMAGE', 'MASK'],
    validateInputs: ['image'],
    isChanged: true,
  },
  {
    name: 'ImageScale',
    displayName: 'Upscale Image',
    category: 'image/upscaling',
    required: {
      image: t('IMAGE'),
      upscale_method: combo(IMAGE_UPSCALE_METHODS),
      width: t('INT', { default: 512, min: 0, max: MAX_RESOLUTION, step: 1 }),
      height: t('INT', { default: 512, min: 0, max: MAX_RESOLUTION, step: 1 }),
      crop: combo(CROP_METHODS),
    },
    output: ['IMAGE'],
  },
  {
    name: 'ImageScaleBy',
    displayName: 'Upscale Image By',
    category: 'image/upscaling',
    required: {
      image: t('IMAGE'),
      upscale_method: combo(IMAGE_UPSCALE_METHODS),
      scale_by: t('FLOAT', { default: 1.0, min: 0.01, max: 8.0, step: 0.01 }),
    },
    output: ['IMAGE'],
  },
  {
    name: 'ImageInvert',
    displayName: 'Invert Image',
    category: 'image',
    required: { image: t('IMAGE') },
    output: ['IMAGE'],
  },
  {
    name: 'EmptyImage',
    category: 'image',
    required: {
      width: t('INT', { default: 512, min: 1, max: MAX_RESOLUTION, step: 1 }),
      height: t('INT', { default: 512, min: 1, max: MAX_RESOLUTION, step: 1 }),
      batch_size: t('INT', { default: 1, min: 1, max: 4096 }),
      color: t('INT', { default: 0, min: 0, max: 0xffffff, step: 1, display: 'color' }),
    },
    output: ['IMAGE'],
  },
  {
    name: 'LoraLoader',
    displayName: 'Load LoRA',
    category: 'loaders',
    description:
      'LoRAs are used to modify diffusion and CLIP models, altering the way in which latents are denoised such as applying styles. Multiple LoRA nodes can be linked together.',
    required: {
      model: t('MODEL', { tooltip: 'The diffusion model the LoRA will be applied to.' }),
      clip: t('CLIP', { tooltip: 'The CLIP model the LoRA will be applied to.' }),
      lora_name: models('loras', { tooltip: 'The name of the LoRA.' }),
      strength_model: t('FLOAT', {
        default: 1.0,
        min: -100.0,
        max: 100.0,
        step: 0.01,
        tooltip: 'How strongly to modify the diffusion model. This value can be negative.',
      }),
      strength_clip: t('FLOAT', {
        default: 1.0,
        min: -100.0,
        max: 100.0,
        step: 0.01,
        tooltip: 'How strongly to modify the CLIP model. This value can be negative.',
      }),
    },
    output: ['MODEL', 'CLIP'],
    outputTooltips: ['The modified diffusion model.', 'The modified CLIP model.'],
    behaviour: { kind: 'loader', modelInputs: ['lora_name'] },
  },
  {
    name: 'LoraLoaderModelOnly',
    category: 'loaders',
    description:
      'LoRAs are used to modify diffusion and CLIP models, altering the way in which latents are denoised such as applying styles. Multiple LoRA nodes can be linked together.',
    required: {
      model: t('MODEL'),
      lora_name: models('loras'),
      strength_model: t('FLOAT', { default: 1.0, min: -100.0, max: 100.0, step: 0.01 }),
    },
    output: ['MODEL'],
    behaviour: { kind: 'loader', modelInputs: ['lora_name'] },
  },
  {
    name: 'ControlNetLoader',
    displayName: 'Load ControlNet Model',
    category: 'loaders',
    required: { control_net_name: models('controlnet') },
    output: ['CONTROL_NET'],
    behaviour: { kind: 'loader', modelInputs: ['control_net_name'] },
  },
  {
    name: 'ControlNetApply',
    displayName: 'Apply ControlNet (OLD)',
    category: 'conditioning/controlnet',
    required: {
      conditioning: t('CONDITIONING'),
      control_net: t('CONTROL_NET'),
      image: t('IMAGE'),
      strength: t('FLOAT', { default: 1.0, min: 0.0, max: 10.0, step: 0.01 }),
    },
    output: ['CONDITIONING'],
    deprecated: true,
  },
  {
    name: 'ControlNetApplyAdvanced',
    displayName: 'Apply ControlNet',
    category: 'conditioning/controlnet',
    required: {
      positive: t('CONDITIONING'),
      negative: t('CONDITIONING'),
      control_net: t('CONTROL_NET'),
      image: t('IMAGE'),
      strength: t('FLOAT', { default: 1.0, min: 0.0, max: 10.0, step: 0.01 }),
      start_percent: t('FLOAT', { default: 0.0, min: 0.0, max: 1.0, step: 0.001 }),
      end_percent: t('FLOAT', { default: 1.0, min: 0.0, max: 1.0, step: 0.001 }),
    },
    optional: { vae: t('VAE') },
    output: ['CONDITIONING', 'CONDITIONING'],
    outputName: ['positive', 'negative'],
  },
  {
    name: 'UNETLoader',
    displayName: 'Load Diffusion Model',
    category: 'advanced/loaders',
    required: {
      unet_name: models('diffusion_models'),
      weight_dtype: combo(['default', 'fp8_e4m3fn', 'fp8_e4m3fn_fast', 'fp8_e5m2']),
    },
    output: ['MODEL'],
    behaviour: { kind: 'loader', modelInputs: ['unet_name'] },
  },
  {
    name: 'CLIPLoader',
    displayName: 'Load CLIP',
    category: 'advanced/loaders',
    description:
      '[Recipes]\n\nstable_diffusion: clip-l\nstable_cascade: clip-g\nsd3: t5 xxl/ clip-g / clip-l\nstable_audio: t5 base\nmochi: t5 xxl\ncosmos: old t5 xxl\nlumina2: gemma 2 2B\nwan: umt5 xxl\n hidream: llama-3.1 (Recommend) or t5\nomnigen2: qwen vl 2.5 3B',
    required: {
      clip_name: models('text_encoders'),
      type: combo([
        'stable_diffusion',
        'stable_cascade',
        'sd3',
        'stable_audio',
        'mochi',
        'ltxv',
        'pixart',
        'cosmos',
        'lumina2',
        'wan',
        'hidream',
        'chroma',
        'ace',
        'omnigen2',
        'qwen_image',
        'hunyuan_image',
      ]),
    },
    optional: { device: combo(['default', 'cpu'], { advanced: true }) },
    output: ['CLIP'],
    behaviour: { kind: 'loader', modelInputs: ['clip_name'] },
  },
  {
    name: 'DualCLIPLoader',
    category: 'advanced/loaders',
    description:
      '[Recipes]\n\nsdxl: clip-l, clip-g\nsd3: clip-l, clip-g / clip-l, t5 / clip-g, t5\nflux: clip-l, t5\nhidream: at least one of t5 or llama, recommended t5 and llama\nhunyuan_image: qwen2.5vl 7b and byt5 small',
    required: {
      clip_name1: models('text_encoders'),
      clip_name2: models('text_encoders'),
      type: combo(['sdxl', 'sd3', 'flux', 'hunyuan_video', 'hidream', 'hunyuan_image']),
    },
    optional: { device: combo(['default', 'cpu'], { advanced: true }) },
    output: ['CLIP'],
    behaviour: { kind: 'loader', modelInputs: ['clip_name1', 'clip_name2'] },
  },
]
