/**
 * Pulls what history search needs (positive/negative prompt text, seed, model names) out of an
 * API-format prompt, by following the sampler's `positive`/`negative` links back to their text.
 */
import type { ApiNode, ApiPrompt } from '../../src-shared/contract/runs'

export interface PromptMeta {
  positive: string | null
  negative: string | null
  seed: number | null
  models: string[]
}

const MODEL_FILE_RE = /\.(safetensors|ckpt|pt|pth|bin|gguf|sft|onnx)$/i
const MODEL_KEY_RE = /^(ckpt|unet|lora|vae|clip|control_net|model|upscale_model|style_model|gligen)_name\d?$/
const TEXT_KEYS = ['text', 'text_g', 'text_l', 'prompt', 'string', 'value']
const SEED_KEYS = ['seed', 'noise_seed']
const PASS_THROUGH_KEYS = ['conditioning', 'conditioning_to', 'conditioning_1', 'positive', 'negative']
/** Conditioning chains (ControlNet, area, combine) are short; the cap guards against cycles. */
const MAX_DEPTH = 8

/** Prompt text, seed and models of a run, for the cache's search columns. */
export function extractPromptMeta(prompt: ApiPrompt): PromptMeta {
  const sampler = Object.values(prompt).find((n) => isLink(n.inputs.positive) && isLink(n.inputs.negative))
  const positive = sampler ? textFrom(prompt, sampler.inputs.positive, 0) : firstText(prompt)
  const negative = sampler ? textFrom(prompt, sampler.inputs.negative, 0) : null
  return { positive, negative, seed: findSeed(prompt, sampler), models: findModels(prompt) }
}

function isLink(value: unknown): value is [string, number] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[1] === 'number' &&
    ['string', 'number'].includes(typeof value[0])
  )
}

function textFrom(prompt: ApiPrompt, link: unknown, depth: number): string | null {
  if (typeof link === 'string') return link
  if (!isLink(link) || depth > MAX_DEPTH) return null
  const node = prompt[String(link[0])]
  if (!node) return null
  const texts = TEXT_KEYS.map((k) => node.inputs[k])
    .map((v) => (isLink(v) ? textFrom(prompt, v, depth + 1) : typeof v === 'string' ? v : null))
    .filter((v): v is string => v !== null && v.trim() !== '')
  if (texts.length) return [...new Set(texts)].join('\n')
  for (const key of PASS_THROUGH_KEYS) {
    const found = textFrom(prompt, node.inputs[key], depth + 1)
    if (found) return found
  }
  return null
}

function firstText(prompt: ApiPrompt): string | null {
  const node = Object.values(prompt).find((n) => n.class_type.startsWith('CLIPTextEncode'))
  return node ? textFrom(prompt, node.inputs.text, 0) : null
}

function findSeed(prompt: ApiPrompt, sampler: ApiNode | undefined): number | null {
  const nodes = sampler ? [sampler, ...Object.values(prompt)] : Object.values(prompt)
  for (const node of nodes) {
    for (const key of SEED_KEYS) {
      const seed = seedFrom(prompt, node.inputs[key], 0)
      if (seed !== null) return seed
    }
  }
  return null
}

function seedFrom(prompt: ApiPrompt, value: unknown, depth: number): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value
  if (!isLink(value) || depth > MAX_DEPTH) return null
  const node = prompt[String(value[0])]
  if (!node) return null
  for (const key of [...SEED_KEYS, 'value', 'int']) {
    const seed = seedFrom(prompt, node.inputs[key], depth + 1)
    if (seed !== null) return seed
  }
  return null
}

function findModels(prompt: ApiPrompt): string[] {
  const models = new Set<string>()
  for (const node of Object.values(prompt)) {
    for (const [key, value] of Object.entries(node.inputs)) {
      if (typeof value !== 'string') continue
      if (value !== '' && (MODEL_FILE_RE.test(value) || MODEL_KEY_RE.test(key))) models.add(value)
    }
  }
  return [...models].sort()
}
