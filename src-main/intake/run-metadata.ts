import type { ApiPrompt } from '../../src-shared/contract/runs'
import type { RunMetadata } from '../../src-shared/contract/intake'

/** Input names that hold a model file (checkpoints, UNETs, LoRAs, VAEs, CLIPs, ControlNets, upscalers, …). */
const MODEL_INPUT =
  /^(ckpt|unet|lora|vae|clip|clip_vision|control_net|controlnet|upscale_model|style_model|gligen|hypernetwork|model|lora_\d+)_name\d*$|^(ckpt_name|lora_\d+|ipadapter_file|instantid_file)$/
const TEXT_INPUTS = ['text', 'text_g', 'text_l', 'prompt', 'positive_prompt', 'value', 'string']
/** How far to walk up from a sampler's conditioning input before giving up (combiners, ControlNet, …). */
const MAX_HOPS = 24

/** Pulls what a run is about out of an API prompt: prompt texts, seeds, models and a name. */
export function extractRunMetadata(prompt: ApiPrompt, fileName: string | null): RunMetadata {
  const positive: string[] = []
  const negative: string[] = []
  for (const node of Object.values(prompt)) {
    collectTexts(prompt, node.inputs.positive, 0, positive, new Set())
    collectTexts(prompt, node.inputs.negative, 0, negative, new Set())
  }
  if (positive.length === 0 && negative.length === 0) fallbackByTitle(prompt, positive, negative)
  return {
    positivePrompt: joinUnique(positive),
    negativePrompt: joinUnique(negative),
    seeds: collectSeeds(prompt),
    models: collectModels(prompt),
    workflowName: workflowName(fileName),
  }
}

/**
 * Follows a conditioning link up to the text that made it. On a node with its own `positive`/`negative`
 * inputs (ControlNetApplyAdvanced and friends: outputs are [positive, negative]) it follows the side matching
 * the output index; on other nodes (combine, concat, set-area …) every linked input.
 */
function collectTexts(prompt: ApiPrompt, link: unknown, hops: number, out: string[], seen: Set<string>): void {
  if (!Array.isArray(link) || hops > MAX_HOPS) return
  const id = String(link[0])
  const key = `${id}:${String(link[1])}`
  const node = prompt[id]
  if (!node || seen.has(key)) return
  seen.add(key)
  const texts = TEXT_INPUTS.map((name) => node.inputs[name]).filter((v) => typeof v === 'string' && v.trim() !== '')
  if (texts.length > 0) {
    out.push(...(texts as string[]))
    return
  }
  for (const name of TEXT_INPUTS) {
    if (Array.isArray(node.inputs[name])) collectTexts(prompt, node.inputs[name], hops + 1, out, seen)
  }
  if ('positive' in node.inputs && 'negative' in node.inputs) {
    const side = link[1] === 1 ? node.inputs.negative : node.inputs.positive
    collectTexts(prompt, side, hops + 1, out, seen)
    return
  }
  for (const [name, value] of Object.entries(node.inputs)) {
    if (!TEXT_INPUTS.includes(name) && Array.isArray(value)) collectTexts(prompt, value, hops + 1, out, seen)
  }
}

/** Without a sampler to follow, text encoders titled "negative" count as negative, the others as positive. */
function fallbackByTitle(prompt: ApiPrompt, positive: string[], negative: string[]): void {
  for (const node of Object.values(prompt)) {
    if (!/TextEncode/i.test(node.class_type) || typeof node.inputs.text !== 'string') continue
    ;(/negative/i.test(node._meta?.title ?? '') ? negative : positive).push(node.inputs.text)
  }
}

function collectSeeds(prompt: ApiPrompt): number[] {
  const seeds: number[] = []
  for (const node of Object.values(prompt)) {
    for (const name of ['seed', 'noise_seed']) {
      const value = node.inputs[name]
      if (typeof value === 'number' && Number.isFinite(value)) seeds.push(value)
    }
  }
  return seeds
}

function collectModels(prompt: ApiPrompt): string[] {
  const models = new Set<string>()
  for (const node of Object.values(prompt)) {
    for (const [name, value] of Object.entries(node.inputs)) {
      if (MODEL_INPUT.test(name) && typeof value === 'string' && value !== '' && value !== 'None') models.add(value)
    }
  }
  return [...models]
}

function workflowName(fileName: string | null): string | null {
  if (!fileName) return null
  const base = fileName.split(/[\\/]/).pop() ?? ''
  const name = base.replace(/\.(json|png|webp)$/i, '').trim()
  return name === '' ? null : name.slice(0, 200)
}

function joinUnique(texts: string[]): string | null {
  const unique = [...new Set(texts)]
  return unique.length === 0 ? null : unique.join('\n\n')
}
