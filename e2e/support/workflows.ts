import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { tEXt, tinyPng } from '../../src-shared/media/png-chunks'
import type { DropFile } from '../pages/app-page'

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures', 'workflows')

/** The checkpoint names the e2e simulator serves (both fixtures' names). */
export const SIM_CHECKPOINTS = ['v1-5-pruned-emaonly.safetensors', 'v1-5-pruned-emaonly.ckpt']

type ApiPrompt = Record<string, { class_type: string; inputs: Record<string, unknown> }>
type UiWorkflow = { nodes: { id: number; type: string; widgets_values?: unknown[] }[] }

/** ComfyUI's documented API prompt for the default graph, with our prompt text and seed. */
export function apiPrompt(text: string, seed = 1, steps = 20): ApiPrompt {
  const p = JSON.parse(readFileSync(join(FIXTURES, 'basic-api-example.api.json'), 'utf8')) as ApiPrompt
  p['6']!.inputs.text = text
  p['3']!.inputs.seed = seed
  p['3']!.inputs.steps = steps
  return p
}

/** ComfyUI's default UI workflow, with our prompt text in the positive CLIPTextEncode widget. */
export function uiWorkflow(text: string): UiWorkflow {
  const w = JSON.parse(readFileSync(join(FIXTURES, 'default-graph.json'), 'utf8')) as UiWorkflow
  const positive = w.nodes.find((n) => n.id === 6)
  if (!positive) throw new Error('default-graph.json has no node 6')
  positive.widgets_values = [text]
  return w
}

/** A 1×1 PNG carrying `prompt` and `workflow` tEXt chunks, as ComfyUI's SaveImage writes them. */
export function comfyPng(prompt: ApiPrompt, workflow: unknown): Buffer {
  return tinyPng([tEXt('prompt', JSON.stringify(prompt)), tEXt('workflow', JSON.stringify(workflow))])
}

/** Convenience: a JSON drop file. */
export function jsonFile(name: string, value: unknown): DropFile {
  return { name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(value)) }
}

/** A unique lowercase word so specs sharing one app do not see each other's runs. */
export function uniqueWord(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`
}
