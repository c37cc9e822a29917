import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SimServer } from '../../../../sim'
import { checkInputValues, inputProblems, intakeFile } from '../../../../src-main/intake'
import type { ApiPrompt } from '../../../../src-shared/contract/runs'
import type { ObjectInfo } from '../../../../src-shared/contract/intake'
import { expectOk, fixtureBytes, workflowFixture } from '../../../helpers/intake-fixtures'
import { makeExif, makePng, makeWebp, tEXt } from './image-builders'

/**
 * The end-to-end check of the conversion: every fixture goes through the intake with the /object_info a
 * real (simulated) ComfyUI server serves over HTTP, and the result is queued on that server with POST /prompt,
 * which runs ComfyUI's validate_prompt and must report no node_errors.
 */
describe('converted prompts on a simulated ComfyUI server', () => {
  let server: SimServer
  let dataDir: string
  let objectInfo: ObjectInfo

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'intake-sim-'))
    mkdirSync(join(dataDir, 'input'), { recursive: true })
    for (const file of ['example.png', 'clean.png', 'yosemite_inpaint_example.png']) {
      writeFileSync(join(dataDir, 'input', file), makePng([]))
    }
    server = new SimServer({
      dataDir,
      timing: { stepMs: 0, nodeMs: 0, loadMs: 0 },
      models: {
        checkpoints: [
          'v1-5-pruned-emaonly.ckpt',
          'v1-5-pruned-emaonly.safetensors',
          'v1-5-pruned-emaonly-fp16.safetensors',
          'STableDiffusionv2-1_768-ema-pruned.safetensors',
          'neverending_dream.safetensors',
        ],
        loras: ['detail_tweaker.safetensors', 'makima.safetensors'],
        upscale_models: ['RealESRGAN_x2plus.pth'],
      },
    })
    await server.start()
    objectInfo = (await (await fetch(`${server.url}/object_info`)).json()) as ObjectInfo
  })

  afterAll(async () => {
    await server?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  async function submit(name: string, bytes: Uint8Array, fixture = name): Promise<void> {
    const intake = intakeFile({ name, bytes }, { objectInfo })
    const lacking = classTypesOf(fixture).filter((type) => !(type in objectInfo))
    if (lacking.length > 0) {
      // The simulator's catalog lacks a core class: the intake must say exactly which, and queue nothing.
      expect(intake).toMatchObject({
        ok: false,
        error: { code: 'intake/unknown-node-types', details: { types: lacking } },
      })
      return
    }
    const result = expectOk(intake)
    expect(inputProblems(result.prompt, objectInfo)).toEqual([])
    const body = {
      prompt: result.prompt,
      client_id: 'intake-test',
      extra_data: { extra_pnginfo: { workflow: result.workflow } },
    }
    const response = await fetch(`${server.url}/prompt`, { method: 'POST', body: JSON.stringify(body) })
    const answer = (await response.json()) as { prompt_id?: string; node_errors?: unknown; error?: unknown }
    expect({ name, status: response.status, error: answer.error, node_errors: answer.node_errors }).toEqual({
      name,
      status: 200,
      error: undefined,
      node_errors: {},
    })
    expect(typeof answer.prompt_id).toBe('string')
  }

  /** Class types a fixture sends (UI nodes that are not virtual/muted/bypassed, or API nodes). */
  function classTypesOf(name: string): string[] {
    const raw = workflowFixture(name)
    const types = Array.isArray(raw.nodes)
      ? (raw.nodes as Array<{ type: string; mode?: number }>)
          .filter((n) => (n.mode ?? 0) === 0 && !['Reroute', 'PrimitiveNode', 'Note', 'MarkdownNote'].includes(n.type))
          .map((n) => n.type)
      : Object.values(raw as Record<string, { class_type: string }>).map((n) => n.class_type)
    return [...new Set(types)].filter((t) => !/^[0-9a-f]{8}-/.test(t)).sort()
  }

  for (const name of [
    'default-graph.json',
    'comfyui-examples-img2img.json',
    'comfyui-examples-inpaint.json',
    'frontend-reroute-two-nodes.json',
    'legacy-lora-upscale.json',
    'constructed-v1-bypass-primitive.json',
    'constructed-subgraph.json',
    'basic-api-example.api.json',
  ]) {
    it(`queues ${name} without node_errors`, async () => {
      await submit(name, fixtureBytes(name))
    })
  }

  it('queues the workflow of a ComfyUI PNG and of a ComfyUI WebP', async () => {
    const workflow = JSON.stringify(workflowFixture('comfyui-examples-img2img.json'))
    await submit('saved.png', makePng([tEXt('workflow', workflow)]), 'comfyui-examples-img2img.json')
    await submit('saved.webp', makeWebp(makeExif([[0x010f, `workflow:${workflow}`]])), 'comfyui-examples-img2img.json')
  })

  // Issue #14's field cases (test/fixtures/field-cases): each must now be accepted by the server as converted.
  for (const name of [
    '01-subgraph-instance-missing-input/workflow.json',
    '02-subgraph-instance-inputs-reordered/workflow.json',
    '03-api-prompt-unreachable-node-validated/prompt_api.json',
    '04-stale-embedded-prompt-preferred/old_comfy_output.png',
    'unconnected_invalid_node.json',
  ]) {
    it(`queues field case ${name} without node_errors`, async () => {
      const bytes = readFileSync(join(__dirname, '..', '..', '..', 'fixtures', 'field-cases', name))
      const result = expectOk(intakeFile({ name, bytes }, { objectInfo }))
      expect(inputProblems(result.prompt, objectInfo)).toEqual([])
      const response = await fetch(`${server.url}/prompt`, {
        method: 'POST',
        body: JSON.stringify({ prompt: result.prompt }),
      })
      const answer = (await response.json()) as { node_errors?: unknown; error?: unknown }
      expect({ status: response.status, error: answer.error, node_errors: answer.node_errors }).toEqual({
        status: 200,
        error: undefined,
        node_errors: {},
      })
    })
  }

  it('would notice a wrong conversion: the server refuses a prompt missing a widget value', async () => {
    const result = expectOk(intakeFile({ name: 'd.json', bytes: fixtureBytes('default-graph.json') }, { objectInfo }))
    delete result.prompt['3']!.inputs.steps
    const response = await fetch(`${server.url}/prompt`, {
      method: 'POST',
      body: JSON.stringify({ prompt: result.prompt }),
    })
    const answer = (await response.json()) as { error?: unknown }
    expect(response.status).toBe(400)
    expect(answer.error).toMatchObject({ type: 'prompt_outputs_failed_validation' })
  })

  /** Node id → input names the server's validation names in node_errors. */
  async function serverRejects(prompt: ApiPrompt): Promise<Record<string, string[]>> {
    const response = await fetch(`${server.url}/prompt`, { method: 'POST', body: JSON.stringify({ prompt }) })
    const answer = (await response.json()) as {
      node_errors?: Record<string, { errors: { extra_info?: { input_name?: string } }[] }>
    }
    const out: Record<string, string[]> = {}
    for (const [id, e] of Object.entries(answer.node_errors ?? {})) {
      out[id] = e.errors.map((x) => x.extra_info?.input_name ?? '').sort()
    }
    return out
  }

  const mutations: Array<[string, (p: ApiPrompt) => void, sameInput?: false]> = [
    ['steps is not a number', (p) => (p['3']!.inputs.steps = 'ten')],
    ['steps below its minimum', (p) => (p['3']!.inputs.steps = 0)],
    ['cfg above its maximum', (p) => (p['3']!.inputs.cfg = 1000)],
    ['an unknown checkpoint', (p) => (p['4']!.inputs.ckpt_name = 'missing.safetensors')],
    ['an unknown sampler', (p) => (p['3']!.inputs.sampler_name = 'warp_drive')],
    ['a required input missing', (p) => delete p['3']!.inputs.seed],
    ['a link of the wrong type', (p) => (p['3']!.inputs.model = ['4', 1])],
    // ComfyUI fails this one with an IndexError it reports against a downstream input; ours names the link.
    ['a link to an output that does not exist', (p) => (p['3']!.inputs.positive = ['6', 3]), false],
  ]
  for (const [what, mutate, sameInput] of mutations) {
    it(`refuses what the server refuses, on the same node and input: ${what}`, async () => {
      const prompt = expectOk(
        intakeFile({ name: 'd.json', bytes: fixtureBytes('default-graph.json') }, { objectInfo })
      ).prompt
      mutate(prompt)
      const ours = inputProblems(prompt, objectInfo)
      const byNode: Record<string, string[]> = {}
      for (const p of ours) (byNode[p.nodeId] ??= []).push(p.input)
      for (const list of Object.values(byNode)) list.sort()
      expect(ours.length).toBeGreaterThan(0)
      const theirs = await serverRejects(prompt)
      if (sameInput === false) expect(Object.keys(theirs).length).toBeGreaterThan(0)
      else expect(byNode).toEqual(theirs)
      const refused = checkInputValues(prompt, { gpu: objectInfo }, { gpu: 'GPU 0' })
      expect(refused).toMatchObject({ ok: false, error: { code: 'intake/invalid-inputs' } })
      expect(refused.ok ? '' : refused.error.message).toMatch(/^GPU 0 rejects this workflow's inputs: node \d+ \(/)
    })
  }

  it('accepts what ComfyUI converts: numeric strings for INT and FLOAT, anything for STRING', async () => {
    const prompt = expectOk(
      intakeFile({ name: 'd.json', bytes: fixtureBytes('default-graph.json') }, { objectInfo })
    ).prompt
    prompt['3']!.inputs.steps = '12'
    prompt['3']!.inputs.cfg = '7.5'
    prompt['6']!.inputs.text = 42
    expect(inputProblems(prompt, objectInfo)).toEqual([])
    expect(await serverRejects(prompt)).toEqual({})
  })
})
