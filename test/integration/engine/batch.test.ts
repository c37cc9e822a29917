import { describe, expect, it } from 'vitest'
import { childWorkflowId } from '../../../src-shared/temporal/contract'
import { executions, txt2img, waitFor, engineSetupForFile } from './helpers'

const setup = engineSetupForFile([1, 2].map((speed) => ({ speed, timing: { stepMs: 10, nodeMs: 2, loadMs: 5 } })))

describe('batches', () => {
  it('a seed range fans out as child runs over the farm, continuing as new, each run once with its seed', async () => {
    const { batchId } = await setup.rig.runs.startBatch({
      prompt: txt2img({ steps: 5 }),
      sweep: { kind: 'seeds', from: 100, to: 111 },
      window: 3,
      historyBudget: 40,
      name: 'sweep',
    })
    const final = await setup.rig.runs.batchResult(batchId)
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
      const result = await setup.rig.runs.result(id)
      expect(executions(setup.sims, result.promptId)).toBe(1)
      const describe = await setup.rig.client.workflow.getHandle(id).describe()
      expect(describe.memo).toMatchObject({ batchId, kind: 'run' })
      const started = (await setup.rig.client.workflow.getHandle(id).fetchHistory()).events?.[0]
      const payload = started?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data
      const args = JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8')) as {
        prompt: Record<string, { inputs: { seed?: number } }>
      }
      expect(args.prompt['3']?.inputs.seed).toBe(100 + i)
      expect((await setup.rig.runs.getStatus(id)).status).toBe('completed')
    }
    expect(setup.sims.every((s) => s.stats().completed > 0)).toBe(true)
    // The 12 runs did not fit one history of 40 events: the batch continued as new at least once.
    const first = await setup.rig.client.workflow.getHandle(batchId).describe()
    const chain = setup.rig.client.workflow.list({ query: `WorkflowId = '${batchId}'` })
    let runs = 0
    for await (const _ of chain) runs++
    expect(runs).toBeGreaterThan(1)
    expect(first.status.name).toBe('COMPLETED')
  })

  it('cancelling a batch cancels its open runs and never starts the rest', async () => {
    const accepted = (): number => setup.sims.reduce((sum, s) => sum + s.stats().accepted, 0)
    const base = accepted()
    const { batchId } = await setup.rig.runs.startBatch({
      // Long (15–30 s) so no run can finish before the cancel lands, however loaded the machine; cancel
      // interrupts them, so the test does not wait for that.
      prompt: txt2img({ steps: 3000 }),
      sweep: { kind: 'values', nodeId: '3', inputName: 'cfg', values: [4, 5, 6, 7, 8, 9, 10, 11] },
      window: 3,
    })
    await waitFor('three runs to be open', async () => (await setup.rig.runs.getBatchStatus(batchId)).running === 3)
    await waitFor('their prompts to reach the servers', () => accepted() === base + 3)
    await setup.rig.runs.signalCancel(batchId)
    await waitFor(
      'the batch to be cancelled',
      async () => (await setup.rig.client.workflow.getHandle(batchId).describe()).status.name === 'CANCELLED'
    )
    const status = await setup.rig.runs.getBatchStatus(batchId)
    expect(status).toMatchObject({ status: 'cancelled', total: 8, completed: 0, running: 0 })
    expect(status.cancelled).toBe(8)
    for (let i = 0; i < 3; i++) {
      const child = await setup.rig.client.workflow.getHandle(childWorkflowId(batchId, i)).describe()
      expect(child.status.name).toBe('CANCELLED')
    }
    await expect(setup.rig.client.workflow.getHandle(childWorkflowId(batchId, 3)).describe()).rejects.toThrow()
    expect(accepted()).toBe(base + 3)
    expect(setup.sims.every((s) => s.stats().running === null && s.stats().queueLength === 0)).toBe(true)
  })
})
