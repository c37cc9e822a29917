/**
 * Workflows too large for one Temporal payload, through the app as a user sends them (issue #14 item 5,
 * #11 kind 4): a 2.7 MB UI workflow (a Note holding text) runs instead of answering HTTP 500, and so does a
 * 45 MB one (the 50 MB intake limit holds end to end); a graph
 * still over the run-input limit once long values are stored aside is refused with 413 naming the limit;
 * a 3 MB `executed` message leaves the run completed with its image; a finished run's status keeps its
 * prompt_id and attempt; `result?wait_s` waits for the run.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ComfyFleetClient } from '../../../sdk'
import { ComfyFleetError } from '../../../sdk'
import { SimServer } from '../../../sim'
import { RUN_INPUT_MAX_BYTES } from '../../../src-shared/contract/limits'
import type { AppCore } from '../../../src-main/core/app-core'
import { ROOT, startCoreWithServer } from '../../helpers/app'

const CKPT = 'v1-5-pruned-emaonly.ckpt'

let sim: SimServer
let core: AppCore
let fleet: ComfyFleetClient

/** ComfyUI's default graph with a Note node holding `noteChars` characters. */
function uiWorkflowWithNote(noteChars: number): Record<string, unknown> {
  const graph = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/workflows/default-graph.json'), 'utf8')) as {
    nodes: Record<string, unknown>[]
    last_node_id: number
  }
  graph.nodes.push({
    id: 10,
    type: 'Note',
    pos: [0, 0],
    size: [400, 200],
    flags: {},
    order: 7,
    mode: 0,
    properties: { text: '' },
    widgets_values: ['n'.repeat(noteChars)],
  })
  graph.last_node_id = 10
  return graph
}

/** An API graph of many prompts, each just under the inline size: over the limit as a whole. */
function hugeGraph(): Record<string, unknown> {
  const graph = JSON.parse(
    readFileSync(join(ROOT, 'test/fixtures/workflows/basic-api-example.api.json'), 'utf8')
  ) as Record<string, { class_type: string; inputs: Record<string, unknown> }>
  const piece = 'w'.repeat(15_000)
  const count = Math.ceil((RUN_INPUT_MAX_BYTES * 1.2) / piece.length)
  for (let i = 0; i < count; i++)
    graph[`${100 + i}`] = { class_type: 'CLIPTextEncode', inputs: { text: piece, clip: ['4', 1] } }
  return graph
}

beforeAll(async () => {
  sim = new SimServer({
    name: 'big-gpu',
    models: { checkpoints: [CKPT, 'v1-5-pruned-emaonly.safetensors'] },
    timing: { stepMs: 1 },
  })
  await sim.start()
  ;({ core, fleet } = await startCoreWithServer(sim))
})

afterAll(async () => {
  await core?.stop()
  await sim?.stop()
})

describe('large workflows through the app', () => {
  test('a 2.7 MB UI workflow (a Note of text) runs and completes, the UI workflow kept whole', async () => {
    const workflow = uiWorkflowWithNote(2_700_000)
    const r = await fleet.executeWorkflow(workflow, { name: 'case05' })
    expect(r.error).toBeNull()
    expect(r.status).toBe('completed')
    expect(r.images).toHaveLength(1)
    const stored = await fleet.result(r.run_id)
    expect(JSON.stringify(stored.run.workflow).length).toBeGreaterThan(2_700_000)
  })

  test('a 45 MB UI workflow, under the 50 MB intake limit, runs too', async () => {
    const r = await fleet.executeWorkflow(uiWorkflowWithNote(45_000_000), { name: 'near the intake limit' })
    expect(r.error).toBeNull()
    expect(r.status).toBe('completed')
    expect(r.images).toHaveLength(1)
  }, 300_000)

  test('a graph over the run-input limit is refused with 413 naming the limit, and nothing starts', async () => {
    const before = (await fleet.runs()).length
    const e = await fleet.executeWorkflow(hugeGraph()).then(
      () => null,
      (x: unknown) => x
    )
    expect(e).toBeInstanceOf(ComfyFleetError)
    expect((e as ComfyFleetError).status).toBe(413)
    expect((e as ComfyFleetError).code).toBe('runs/too-large')
    expect((e as ComfyFleetError).message).toContain(`the limit is ${RUN_INPUT_MAX_BYTES} bytes`)
    expect((await fleet.runs()).length).toBe(before)
  })

  test('a 3 MB executed message: the run completes with its image; status keeps prompt_id and attempt', async () => {
    sim.setFaults({ uiTextChars: 3_000_000 })
    try {
      const { run_ids } = await fleet.submit(uiWorkflowWithNote(10))
      const r = await fleet.waitForRun(run_ids[0]!)
      expect(r.error).toBeNull()
      expect(r.status).toBe('completed')
      expect(r.images).toHaveLength(1)
      const status = await fleet.status(r.run_id)
      expect(status.status).toBe('completed')
      expect(status.prompt_id).toMatch(/^[0-9a-f-]{36}$/)
      expect(status.attempt).toBe(1)
    } finally {
      sim.clearFaults()
    }
  })
})
