/**
 * Node classes from ComfyUI's comfy_extras (baseline 0.3.64). They report their own python_module.
 * Definitions read from comfy_extras/nodes_upscale_model.py, nodes_sd3.py and nodes_flux.py.
 */
import { MAX_RESOLUTION } from './core-nodes'
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
]
