/**
 * The one seed editor (issue #18): intake's setSeed and the batch workflow's seed sweeps both call it, so a seed
 * that is a link is followed the same way everywhere. Pure and free of Node imports: workflow code bundles it.
 */
import type { ApiPrompt } from '../contract/runs'

/** Sampler inputs that take the seed (KSampler.seed, KSamplerAdvanced.noise_seed, SamplerCustom.noise_seed, …). */
export const SEED_INPUTS: readonly string[] = ['seed', 'noise_seed']

/** Inputs of a seed-source node (PrimitiveInt, "Seed (rgthree)", …) that hold the number itself. */
const SOURCE_INPUTS: readonly string[] = ['seed', 'noise_seed', 'value', 'int']

export interface SeedEdit {
  prompt: ApiPrompt
  /** How many inputs now hold the seed (0: the prompt has no seed to set; the prompt is then unchanged). */
  changed: number
}

/**
 * Returns a copy of `prompt` with every literal `seed`/`noise_seed` set to `seed`. A seed input that is a link
 * (a shared PrimitiveInt or seed node) has its source's number set instead, following links source to source,
 * so one seed node still feeds every sampler and a sweep never sends the same linked seed twice.
 */
export function setPromptSeeds(prompt: ApiPrompt, seed: number): SeedEdit {
  // JSON copy rather than structuredClone: prompts are JSON, and this runs inside the workflow sandbox too.
  const next = JSON.parse(JSON.stringify(prompt)) as ApiPrompt
  const sources = new Set<string>()
  let changed = 0
  for (const node of Object.values(next)) {
    for (const name of SEED_INPUTS) {
      const value = node.inputs[name]
      if (typeof value === 'number') {
        node.inputs[name] = seed
        changed++
      } else if (isLink(value)) {
        const source = findSeedSource(next, String(value[0]))
        if (source !== null) sources.add(source)
      }
    }
  }
  for (const key of sources) {
    const [id, name] = JSON.parse(key) as [string, string]
    next[id]!.inputs[name] = seed
    changed++
  }
  return { prompt: next, changed }
}

/** The node and input holding the number a seed link ends at, as a JSON key; null when it holds none. */
function findSeedSource(prompt: ApiPrompt, start: string): string | null {
  const seen = new Set<string>()
  let id = start
  while (!seen.has(id)) {
    seen.add(id)
    const node = prompt[id]
    if (node === undefined) return null
    const literal = SOURCE_INPUTS.find((n) => typeof node.inputs[n] === 'number')
    if (literal !== undefined) return JSON.stringify([id, literal])
    const onward = SOURCE_INPUTS.map((n) => node.inputs[n]).find(isLink)
    if (onward === undefined) return null
    id = String(onward[0])
  }
  return null // the links loop; checkApiPrompt reports that cycle
}

function isLink(value: unknown): value is [string | number, number] {
  return Array.isArray(value) && value.length === 2 && typeof value[1] === 'number'
}
