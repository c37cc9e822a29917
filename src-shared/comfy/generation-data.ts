/**
 * The generation settings a ComfyUI user looks for under an image (sampler, steps, cfg, LoRAs, size),
 * read from the run's API prompt. Heuristic by input names, like ComfyUI's own metadata readers: the
 * first sampler by node id, every LoRA loader, the latent size.
 */
import type { ApiPrompt } from '../contract/runs'

export interface LoraUse {
  name: string
  strengthModel: number | null
  strengthClip: number | null
}

export interface GenerationData {
  sampler: string | null
  scheduler: string | null
  steps: number | null
  cfg: number | null
  denoise: number | null
  loras: LoraUse[]
  width: number | null
  height: number | null
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

function nodesInOrder(prompt: ApiPrompt): ApiPrompt[string][] {
  return Object.keys(prompt)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((id) => prompt[id]!)
}

/** What the prompt says about how its image was made; fields it does not hold are null. */
export function generationData(prompt: ApiPrompt): GenerationData {
  const nodes = nodesInOrder(prompt)
  const sampler = nodes.find((n) => text(n.inputs.sampler_name) !== null)?.inputs ?? {}
  const latent =
    nodes.find((n) => /latent/i.test(n.class_type) && num(n.inputs.width) !== null)?.inputs ??
    nodes.find((n) => num(n.inputs.width) !== null && num(n.inputs.height) !== null)?.inputs ??
    {}
  return {
    sampler: text(sampler.sampler_name),
    scheduler: text(sampler.scheduler),
    steps: num(sampler.steps),
    cfg: num(sampler.cfg),
    denoise: num(sampler.denoise),
    loras: nodes
      .filter((n) => text(n.inputs.lora_name) !== null)
      .map((n) => ({
        name: n.inputs.lora_name as string,
        strengthModel: num(n.inputs.strength_model),
        strengthClip: num(n.inputs.strength_clip),
      })),
    width: num(latent.width),
    height: num(latent.height),
  }
}
