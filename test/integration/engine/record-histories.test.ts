/**
 * Produces real histories of every workflow path (completed, validation failure, execution failure,
 * cancel signal, batch with continue-as-new) and checks that each replays with the current workflow
 * code. With RECORD_HISTORIES=1 it also (re)writes them to src-worker/test/history_files/, which the
 * unit replay test keeps replaying (a workflow change that breaks determinism fails there).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { historyToJSON } from '@temporalio/common/lib/proto-utils'
import { Worker } from '@temporalio/worker'
import { describe, expect, it } from 'vitest'
import { childWorkflowId } from '../../../src-shared/temporal/contract'
import { txt2img, waitFor, workerBundle, engineSetupForFile } from './helpers'

const OUT = join(__dirname, '../../../src-worker/test/history_files')
const RECORD = process.env.RECORD_HISTORIES === '1'

const setup = engineSetupForFile([{ timing: { stepMs: 10, nodeMs: 2, loadMs: 5 } }])

async function settle(workflowId: string): Promise<void> {
  await setup.rig.client.workflow
    .getHandle(workflowId)
    .result()
    .catch(() => undefined)
}

async function recordAndReplay(name: string, workflowId: string, runId?: string): Promise<void> {
  const history = await setup.rig.client.workflow.getHandle(workflowId, runId).fetchHistory()
  await Worker.runReplayHistory({ workflowBundle: { codePath: await workerBundle() } }, history, workflowId)
  if (RECORD) writeFileSync(join(OUT, `${name}.json`), historyToJSON(history))
}

describe('workflow histories', () => {
  it('replay with the current code (and are recorded on request)', async () => {
    const ok = await setup.rig.runs.startRun({ prompt: txt2img({ steps: 30 }), name: 'recorded' })
    await settle(ok.workflowId)
    await recordAndReplay('run-completed', ok.workflowId)

    // Shorter than the first progress signal: the server memo comes with the result (no patch marker).
    const short = await setup.rig.runs.startRun({ prompt: txt2img({ steps: 1 }), name: 'recorded short' })
    await settle(short.workflowId)
    await recordAndReplay('run-completed-short', short.workflowId)

    const badPrompt = txt2img()
    if (badPrompt['3'] !== undefined) badPrompt['3'].inputs.sampler_name = 'nope'
    const invalid = await setup.rig.runs.startRun({ prompt: badPrompt })
    await settle(invalid.workflowId)
    await recordAndReplay('run-validation-failed', invalid.workflowId)

    setup.sims[0]?.setFaults({
      errorAtNode: { classType: 'VAEDecode', exceptionType: 'torch.OutOfMemoryError', message: 'CUDA out of memory' },
    })
    const oom = await setup.rig.runs.startRun({ prompt: txt2img({ seed: 5 }) })
    await settle(oom.workflowId)
    setup.sims[0]?.clearFaults()
    await recordAndReplay('run-execution-failed', oom.workflowId)

    const cancelled = await setup.rig.runs.startRun({ prompt: txt2img({ steps: 500 }) })
    await waitFor(
      'sampling',
      async () => (await setup.rig.runs.getStatus(cancelled.workflowId)).current_node?.class_type === 'KSampler'
    )
    await setup.rig.runs.signalCancel(cancelled.workflowId, 'recorded cancel')
    await settle(cancelled.workflowId)
    await recordAndReplay('run-cancelled-by-signal', cancelled.workflowId)

    const batch = await setup.rig.runs.startBatch({
      prompt: txt2img({ steps: 3 }),
      sweep: { kind: 'count', count: 6 },
      window: 2,
      historyBudget: 12,
    })
    await settle(batch.batchId)
    const runs: string[] = []
    for await (const info of setup.rig.client.workflow.list({ query: `WorkflowId = '${batch.batchId}'` }))
      runs.push(info.runId)
    expect(runs.length).toBeGreaterThan(1)
    const firstRun = runs[runs.length - 1]
    await recordAndReplay('batch-continued-as-new', batch.batchId, firstRun)
    await recordAndReplay('batch-child-run', childWorkflowId(batch.batchId, 0))

    // The default history budget: its patch marker must replay too.
    const plain = await setup.rig.runs.startBatch({ prompt: txt2img({ steps: 3 }), sweep: { kind: 'count', count: 2 } })
    await settle(plain.batchId)
    await recordAndReplay('batch-default-budget', plain.batchId)
  })
})
