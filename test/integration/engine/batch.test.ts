import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SimServer } from '../../../sim'
import { childWorkflowId } from '../../../src-shared/temporal/contract'
import {
  executions,
  txt2img,
  waitFor,
  type Rig,
  type RunningEngine,
  startEngineSetup,
  stopEngineSetup,
} from './helpers'

let rig: Rig
let sims: SimServer[]
let engine: RunningEngine

beforeAll(async () => {
  ;({ rig, sims, engine } = await startEngineSetup(
    [1, 2].map((speed) => ({ speed, timing: { stepMs: 10, nodeMs: 2, loadMs: 5 } }))
  ))
})

afterAll(async () => {
  await stopEngineSetup({ rig, sims, engine })
})

describe('batches', () => {
  it('a seed range fans out as child runs over the farm, continuing as new, each run once with its seed', async () => {
    const { batchId } = await rig.runs.startBatch({
      prompt: txt2img({ steps: 5 }),
      sweep: { kind: 'seeds', from: 100, to: 111 },
      window: 3,
      historyBudget: 40,
      name: 'sweep',
    })
    const final = await rig.runs.batchResult(batchId)
    expect(final).toMatchObject({
      status: 'completed',
      total: 12,
      completed: 12,
      failed: 0,
      cancelled: 0,
      running: 0,
      progress: 1,
    })

    for (let i = 0; i < 12; i++) {
      const id = childWorkflowId(batchId, i)
      const result = await rig.runs.result(id)
      expect(executions(sims, result.promptId)).toBe(1)
      const describe = await rig.client.workflow.getHandle(id).describe()
      expect(describe.memo).toMatchObject({ batchId, kind: 'run' })
      const started = (await rig.client.workflow.getHandle(id).fetchHistory()).events?.[0]
      const payload = started?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data
      const args = JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8')) as {
        prompt: Record<string, { inputs: { seed?: number } }>
      }
      expect(args.prompt['3']?.inputs.seed).toBe(100 + i)
      expect((await rig.runs.getStatus(id)).status).toBe('completed')
    }
    expect(sims.every((s) => s.stats().completed > 0)).toBe(true)
    // The 12 runs did not fit one history of 40 events: the batch continued as new at least once.
    const first = await rig.client.workflow.getHandle(batchId).describe()
    const chain = rig.client.workflow.list({ query: `WorkflowId = '${batchId}'` })
    let runs = 0
    for await (const _ of chain) runs++
    expect(runs).toBeGreaterThan(1)
    expect(first.status.name).toBe('COMPLETED')
  })

  it('cancelling a batch cancels its open runs and never starts the rest', async () => {
    const accepted = (): number => sims.reduce((sum, s) => sum + s.stats().accepted, 0)
    const base = accepted()
    const { batchId } = await rig.runs.startBatch({
      prompt: txt2img({ steps: 300 }),
      sweep: { kind: 'values', nodeId: '3', inputName: 'cfg', values: [4, 5, 6, 7, 8, 9, 10, 11] },
      window: 3,
    })
    await waitFor('three runs to be open', async () => (await rig.runs.getBatchStatus(batchId)).running === 3)
    await waitFor('their prompts to reach the servers', () => accepted() === base + 3)
    await rig.runs.signalCancel(batchId)
    await waitFor(
      'the batch to be cancelled',
      async () => (await rig.client.workflow.getHandle(batchId).describe()).status.name === 'CANCELLED'
    )
    const status = await rig.runs.getBatchStatus(batchId)
    expect(status).toMatchObject({ status: 'cancelled', total: 8, completed: 0, running: 0 })
    expect(status.cancelled).toBe(8)
    for (let i = 0; i < 3; i++) {
      const child = await rig.client.workflow.getHandle(childWorkflowId(batchId, i)).describe()
      expect(child.status.name).toBe('CANCELLED')
    }
    await expect(rig.client.workflow.getHandle(childWorkflowId(batchId, 3)).describe()).rejects.toThrow()
    expect(accepted()).toBe(base + 3)
    expect(sims.every((s) => s.stats().running === null && s.stats().queueLength === 0)).toBe(true)
  })
})
