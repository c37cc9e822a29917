/**
 * Builds ComfyUI's /object_info from the catalog. Key order and shape follow server.py node_info() in
 * 0.3.64: input, input_order, output, output_is_list, output_name, name, display_name, description,
 * python_module, category, output_node, then output_tooltips / deprecated / experimental when set.
 */
import { PyFloat, pyDumps } from '../py/py-json'
import type { Dumpable } from '../py/py-json'
import { CORE_NODES } from './core-nodes'
import { EXTRA_NODES } from './extra-nodes'
import type { InputDef, ModelLists, NodeDef } from './types'

/** Every node class the simulator knows, by class name. */
export const NODE_CATALOG: ReadonlyMap<string, NodeDef> = new Map(
  [...CORE_NODES, ...EXTRA_NODES].map((n) => [n.name, n] as const)
)

/** Legacy folder names ComfyUI maps to their current names (folder_paths.map_legacy). */
export const LEGACY_FOLDERS: Readonly<Record<string, string>> = { unet: 'diffusion_models', clip: 'text_encoders' }

/** Model folders ComfyUI 0.3.64 registers (GET /models lists these keys). */
export const MODEL_FOLDERS = [
  'checkpoints',
  'configs',
  'loras',
  'vae',
  'text_encoders',
  'diffusion_models',
  'clip_vision',
  'style_models',
  'embeddings',
  'diffusers',
  'vae_approx',
  'controlnet',
  'gligen',
  'upscale_models',
  'custom_nodes',
  'hypernetworks',
  'photomaker',
  'classifiers',
  'model_patches',
  'audio_encoders',
] as const

/** The models a simulated server has when none are given. */
export const DEFAULT_MODELS: ModelLists = {
  checkpoints: ['v1-5-pruned-emaonly-fp16.safetensors', 'sd_xl_base_1.0.safetensors', 'flux1-dev-fp8.safetensors'],
  loras: ['add_detail.safetensors', 'pixel-art-xl.safetensors'],
  vae: ['ae.safetensors', 'sdxl_vae.safetensors'],
  text_encoders: ['clip_l.safetensors', 't5xxl_fp16.safetensors', 'clip_g.safetensors'],
  diffusion_models: ['flux1-dev.safetensors', 'flux1-schnell.safetensors'],
  controlnet: ['control_v11p_sd15_canny.pth', 'control_v11f1p_sd15_depth.pth'],
  upscale_models: ['RealESRGAN_x4plus.pth', '4x-UltraSharp.pth'],
  embeddings: ['easynegative.safetensors'],
}

/** Normalise a user-supplied models map: legacy keys mapped, defaults for folders not given. */
export function resolveModels(models: Partial<Record<string, string[]>> | undefined): ModelLists {
  const out: ModelLists = { ...DEFAULT_MODELS }
  for (const [key, list] of Object.entries(models ?? {})) {
    if (list) out[LEGACY_FOLDERS[key] ?? key] = [...list]
  }
  return out
}

const FLOAT_KEYS = new Set(['default', 'min', 'max', 'step', 'round'])

/** Python writes FLOAT option numbers as floats ("8.0"); wrap integral ones so pyDumps keeps the ".0". */
export function inputOptions(def: InputDef, baseType: string): Record<string, Dumpable> | undefined {
  if (!def.options) return undefined
  if (baseType !== 'FLOAT') return def.options
  const out: Record<string, Dumpable> = {}
  for (const [k, v] of Object.entries(def.options)) {
    out[k] = FLOAT_KEYS.has(k) && typeof v === 'number' && Number.isInteger(v) ? new PyFloat(v) : v
  }
  return out
}

/** The resolved type of an input: a type name or the combo's option list. */
export function inputType(def: InputDef, models: ModelLists, inputFiles: readonly string[]): string | string[] {
  const ty = def.type
  if (typeof ty === 'string') return ty
  if (Array.isArray(ty)) return [...(ty as readonly string[])]
  if ('folder' in ty) return [...(models[ty.folder] ?? [])]
  return [...inputFiles]
}

function inputSection(
  section: Record<string, InputDef>,
  models: ModelLists,
  inputFiles: readonly string[]
): Record<string, Dumpable> {
  const out: Record<string, Dumpable> = {}
  for (const [name, def] of Object.entries(section)) {
    const ty = inputType(def, models, inputFiles)
    const opts = inputOptions(def, typeof ty === 'string' ? ty : 'COMBO')
    out[name] = opts ? [ty, opts] : [ty]
  }
  return out
}

/** The /object_info entry of one node class. */
export function nodeInfo(
  def: NodeDef,
  models: ModelLists,
  inputFiles: readonly string[] = []
): Record<string, Dumpable> {
  const input: Record<string, Dumpable> = {}
  const order: Record<string, string[]> = {}
  if (def.required) {
    input.required = inputSection(def.required, models, inputFiles)
    order.required = Object.keys(def.required)
  }
  if (def.optional) {
    input.optional = inputSection(def.optional, models, inputFiles)
    order.optional = Object.keys(def.optional)
  }
  if (def.hidden) {
    input.hidden = { ...def.hidden }
    order.hidden = Object.keys(def.hidden)
  }
  const info: Record<string, Dumpable> = {
    input,
    input_order: order,
    output: [...def.output],
    output_is_list: def.outputIsList ? [...def.outputIsList] : def.output.map(() => false),
    output_name: def.outputName ? [...def.outputName] : [...def.output],
    name: def.name,
    display_name: def.displayName ?? def.name,
    description: def.description ?? '',
    python_module: def.pythonModule ?? 'nodes',
    category: def.category,
    output_node: def.outputNode === true,
  }
  if (def.outputTooltips) info.output_tooltips = [...def.outputTooltips]
  if (def.deprecated) info.deprecated = true
  if (def.experimental) info.experimental = true
  return info
}

/** /object_info as the server serialises it (PyFloat/bigint kept so the JSON text matches Python's). */
export function objectInfoRaw(models: ModelLists, inputFiles: readonly string[] = []): Record<string, Dumpable> {
  const out: Record<string, Dumpable> = {}
  for (const def of NODE_CATALOG.values()) out[def.name] = nodeInfo(def, models, inputFiles)
  return out
}

/** One entry of /object_info as a client sees it after JSON.parse. */
export interface ObjectInfoNode {
  input: {
    required?: Record<string, [string | string[], Record<string, unknown>?]>
    optional?: Record<string, [string | string[], Record<string, unknown>?]>
    hidden?: Record<string, string>
  }
  input_order: { required?: string[]; optional?: string[]; hidden?: string[] }
  output: string[]
  output_is_list: boolean[]
  output_name: string[]
  name: string
  display_name: string
  description: string
  python_module: string
  category: string
  output_node: boolean
  output_tooltips?: string[]
  deprecated?: boolean
  experimental?: boolean
}

/**
 * GET /object_info for a server with these models (and these files in its input folder, for LoadImage),
 * exactly as a client gets it from `await res.json()`. For other engineers' tests (UI→API conversion,
 * capability routing).
 */
export function objectInfo(
  models?: Partial<Record<string, string[]>>,
  inputFiles: readonly string[] = []
): Record<string, ObjectInfoNode> {
  return JSON.parse(pyDumps(objectInfoRaw(resolveModels(models), inputFiles))) as Record<string, ObjectInfoNode>
}
