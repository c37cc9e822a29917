/**
 * The corpus test (issue #14): real public workflows (test/fixtures/corpus, see its README) are converted and
 * compared with what the ComfyUI frontend made from the same workflow: today's pinned frontend (1.27.10, recorded by
 * running it: `*.frontend.json`), and the frontend that made each image (its `prompt` chunk). A change to the
 * converter, or a frontend change once the fixtures are re-recorded, shows up here per node.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { objectInfo } from '../../../../sim/catalog/object-info'
import { intakeJson } from '../../../../src-main/intake'
import type { ObjectInfo } from '../../../../src-shared/contract/intake'
import type { ApiPrompt } from '../../../../src-shared/contract/runs'
import { expectOk } from '../../../helpers/intake-fixtures'

const DIR = join(__dirname, '..', '..', '..', 'fixtures', 'corpus')
const sources = JSON.parse(readFileSync(join(DIR, 'sources.json'), 'utf8')) as { files: string[] }
const info = JSON.parse(JSON.stringify(objectInfo())) as ObjectInfo

function fixture(path: string, kind: 'workflow' | 'prompt' | 'frontend'): unknown {
  const name = path.replace(/\.(png|webp)$/i, '').replace(/\//g, '__')
  return JSON.parse(readFileSync(join(DIR, `${name}.${kind}.json`), 'utf8'))
}

/** Nodes the server would execute: output nodes and everything they draw from. */
function executed(prompt: ApiPrompt): Set<string> {
  const seen = new Set<string>()
  const stack = Object.keys(prompt).filter((id) => info[prompt[id]!.class_type]?.output_node === true)
  while (stack.length > 0) {
    const id = stack.pop()!
    if (seen.has(id) || !prompt[id]) continue
    seen.add(id)
    for (const v of Object.values(prompt[id].inputs)) if (Array.isArray(v)) stack.push(String(v[0]))
  }
  return seen
}

/**
 * Differences that matter, one line each. Tolerated, because the server treats both sides alike: inputs the node's
 * definition does not declare (old frontends sent the upload button as "choose file to upload"), nodes that feed no
 * output (the server never runs them), and inputs the old prompt lacks that the conversion filled with their
 * defaults and said so (inputs added to the node since the image was made).
 */
function differences(ours: ApiPrompt, theirs: ApiPrompt, warnings: string[]): string[] {
  const out: string[] = []
  const run = executed(theirs)
  for (const id of run) if (!(id in ours)) out.push(`node ${id} (${theirs[id]!.class_type}) is missing`)
  for (const [id, node] of Object.entries(ours)) {
    const ref = theirs[id]
    if (ref?.class_type !== node.class_type) {
      out.push(`node ${id} (${node.class_type}) is not in the reference`)
      continue
    }
    const def = info[node.class_type]!
    const declared = Object.keys({ ...def.input.required, ...def.input.optional })
    for (const name of declared) {
      const a = JSON.stringify(node.inputs[name])
      const b = JSON.stringify(ref.inputs[name])
      if (a === b) continue
      const defaulted = b === undefined && warnings.some((w) => w.startsWith(`Node ${id} `) && w.includes(name))
      if (!defaulted) out.push(`node ${id} (${node.class_type}) ${name}: ${a} but the frontend sent ${b}`)
    }
  }
  return out
}

describe('real workflows convert as the ComfyUI frontend converted them', () => {
  it.each(sources.files)('%s', (path) => {
    const result = expectOk(intakeJson(fixture(path, 'workflow'), path, { objectInfo: info }))
    expect(result.source).toBe('workflow')
    expect(differences(result.prompt, fixture(path, 'prompt') as ApiPrompt, result.warnings)).toEqual([])
  })
})

describe('real workflows convert exactly as ComfyUI frontend 1.27.10 converts them', () => {
  it.each(sources.files)('%s', (path) => {
    const ours = expectOk(intakeJson(fixture(path, 'workflow'), path, { objectInfo: info })).prompt
    const frontend = fixture(path, 'frontend') as ApiPrompt
    // The frontend also sends nodes that feed no output; the server never runs them, and intake leaves them out.
    const expected = Object.fromEntries([...executed(frontend)].map((id) => [id, frontend[id]!]))
    expect(ours).toEqual(expected)
  })
})

/** The project's own UI fixtures (test/fixtures/workflows): reroutes, bypass, primitives, subgraphs, legacy UI. */
const PROJECT_FIXTURES = [
  'default-graph',
  'comfyui-examples-img2img',
  'comfyui-examples-inpaint',
  'constructed-subgraph',
  'constructed-v1-bypass-primitive',
  'frontend-reroute-two-nodes',
  'legacy-lora-upscale',
]

describe('the workflow fixtures convert exactly as ComfyUI frontend 1.27.10 converts them', () => {
  const read = (name: string): unknown =>
    JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'fixtures', 'workflows', name), 'utf8'))

  it.each(PROJECT_FIXTURES)('%s', (name) => {
    const ours = expectOk(intakeJson(read(`${name}.json`), name, { objectInfo: info })).prompt
    const frontend = read(`${name}.frontend.json`) as ApiPrompt
    const expected = Object.fromEntries([...executed(frontend)].map((id) => [id, frontend[id]!]))
    expect(ours).toEqual(expected)
  })
})
