/**
 * Node classes from ComfyUI's comfy_extras (baseline 0.3.64). They report their own python_module.
 * Definitions read from comfy_extras/nodes_upscale_model.py, nodes_sd3.py, nodes_flux.py,
 * nodes_model_advanced.py and nodes_custom_sampler.py (the Flux/custom-sampling chain).
 */
import { MAX_RESOLUTION, SAMPLERS, SCHEDULERS, SEED_MAX } from './core-nodes'
import type { NodeDef } from './types'

export const EXTRA_NODES: readonly NodeDef[] = [
  {
    name: 'UpscaleModelLoader',
    displayName: 'Load Upscale Model',
    category: 'loaders',
    pythonModule: 'comfy_extras.nodes_upscale_model',
    required: { model_name: { type: { folder: 'upscale_models' } } },
    output: ['UPSCALE_MODEL'],
    behaviour: { kind: 'loader', modelInputs: ['model_name'] },
  },
  {
    name: 'ImageUpscaleWithModel',
    displayName: 'Upscale Image (using Model)',
    category: 'image/upscaling',
    pythonModule: 'comfy_extras.nodes_upscale_model',
    required: { upscale_model: { type: 'UPSCALE_MODEL' }, image: { type: 'IMAGE' } },
    output: ['IMAGE'],
  },
  {
    name: 'EmptySD3LatentImage',
    category: 'latent/sd3',
    pythonModule: 'comfy_extras.nodes_sd3',
    required: {
      width: { type: 'INT', options: { default: 1024, min: 16, max: MAX_RESOLUTION, step: 16 } },
      height: { type: 'INT', options: { default: 1024, min: 16, max: MAX_RESOLUTION, step: 16 } },
      batch_size: { type: 'INT', options: { default: 1, min: 1, max: 4096 } },
    },
    output: ['LATENT'],
  },
  {
    name: 'FluxGuidance',
    category: 'advanced/conditioning/flux',
    pythonModule: 'comfy_extras.nodes_flux',
    required: {
      conditioning: { type: 'CONDITIONING' },
      guidance: { type: 'FLOAT', options: { default: 3.5, min: 0.0, max: 100.0, step: 0.1 } },
    },
    output: ['CONDITIONING'],
  },
  {
    name: 'ModelSamplingFlux',
    category: 'advanced/model',
    pythonModule: 'comfy_extras.nodes_model_advanced',
    required: {
      model: { type: 'MODEL' },
      max_shift: { type: 'FLOAT', options: { default: 1.15, min: 0.0, max: 100.0, step: 0.01 } },
      base_shift: { type: 'FLOAT', options: { default: 0.5, min: 0.0, max: 100.0, step: 0.01 } },
      width: { type: 'INT', options: { default: 1024, min: 16, max: MAX_RESOLUTION, step: 8 } },
      height: { type: 'INT', options: { default: 1024, min: 16, max: MAX_RESOLUTION, step: 8 } },
    },
    output: ['MODEL'],
  },
  {
    name: 'RandomNoise',
    category: 'sampling/custom_sampling/noise',
    pythonModule: 'comfy_extras.nodes_custom_sampler',
    required: {
      noise_seed: { type: 'INT', options: { default: 0, min: 0, max: SEED_MAX, control_after_generate: true } },
    },
    output: ['NOISE'],
  },
  {
    name: 'KSamplerSelect',
    category: 'sampling/custom_sampling/samplers',
    pythonModule: 'comfy_extras.nodes_custom_sampler',
    required: { sampler_name: { type: SAMPLERS } },
    output: ['SAMPLER'],
  },
  {
    name: 'BasicScheduler',
    category: 'sampling/custom_sampling/schedulers',
    pythonModule: 'comfy_extras.nodes_custom_sampler',
    required: {
      model: { type: 'MODEL' },
      scheduler: { type: SCHEDULERS },
      steps: { type: 'INT', options: { default: 20, min: 1, max: 10000 } },
      denoise: { type: 'FLOAT', options: { default: 1.0, min: 0.0, max: 1.0, step: 0.01 } },
    },
    output: ['SIGMAS'],
  },
  {
    name: 'BasicGuider',
    category: 'sampling/custom_sampling/guiders',
    pythonModule: 'comfy_extras.nodes_custom_sampler',
    required: { model: { type: 'MODEL' }, conditioning: { type: 'CONDITIONING' } },
    output: ['GUIDER'],
  },
  {
    name: 'CFGGuider',
    category: 'sampling/custom_sampling/guiders',
    pythonModule: 'comfy_extras.nodes_custom_sampler',
    required: {
      model: { type: 'MODEL' },
      positive: { type: 'CONDITIONING' },
      negative: { type: 'CONDITIONING' },
      cfg: { type: 'FLOAT', options: { default: 8.0, min: 0.0, max: 100.0, step: 0.1, round: 0.01 } },
    },
    output: ['GUIDER'],
  },
  {
    name: 'SamplerCustomAdvanced',
    category: 'sampling/custom_sampling',
    pythonModule: 'comfy_extras.nodes_custom_sampler',
    required: {
      noise: { type: 'NOISE' },
      guider: { type: 'GUIDER' },
      sampler: { type: 'SAMPLER' },
      sigmas: { type: 'SIGMAS' },
      latent_image: { type: 'LATENT' },
    },
    output: ['LATENT', 'LATENT'],
    outputName: ['output', 'denoised_output'],
    behaviour: { kind: 'sampler', stepsInput: 'sigmas' },
  },
]
