import { WorkflowFailedError } from '@temporalio/client'
import { describe, expect, it } from 'vitest'
import { BlobStore } from '../../../src-shared/storage/blob-store'
import { storedIntact } from '../../helpers/blob-integrity'
import type { RunStatus } from '../../../src-shared/contract/runs'
import { executions, txt2img, waitFor, engineSetupForFile } from './helpers'
import { join } from 'node:path'

const setup = engineSetupForFile([{ timing: { stepMs: 20, nodeMs: 5, loadMs: 20 }, previews: true }])

describe('a run', () => {
  it('completes with its outputs in the blob store, progress visible while it runs, events listed', async () => {
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 200 }),
      name: 'lighthouse',
      options: { priority: 2 },
    })
    const seen: RunStatus[] = []
    const running = await waitFor('the sampler to be running', async () => {
      const status = await setup.rig.runs.getStatus(workflowId)
      seen.push(status)
      return status.current_node?.class_type === 'KSampler' && (status.node_progress?.value ?? 0) > 0
        ? status
        : undefined
    })
    expect(running.status).toBe('running')
    expect(running.server?.id).toBe('s0')
    expect(running.prompt_id).toMatch(/^[0-9a-f-]{36}$/)
    expect(running.nodes['3']?.state).toBe('running')
    expect(running.nodes['4']?.state).toBe('done')
    const later = await waitFor('progress to rise', async () => {
      const status = await setup.rig.runs.getStatus(workflowId)
      return status.progress > running.progress && status.status === 'running' ? status : undefined
    })
    expect(later.progress).toBeGreaterThan(running.progress)

    const result = await setup.rig.runs.result(workflowId)
    expect(result.outputs).toHaveLength(1)
    const [output] = result.outputs
    expect(output).toMatchObject({ nodeId: '9', type: 'output', format: 'png', width: 64, height: 48 })
    const blobs = new BlobStore(join(setup.rig.dataDir, 'images'))
    expect(storedIntact(blobs, output?.hash ?? '', 'png')).toBe(true)
    expect(executions(setup.sims, result.promptId)).toBe(1)

    const status = await setup.rig.runs.getStatus(workflowId)
    expect(status.status).toBe('completed')
    expect(status.progress).toBe(1)
    expect(status.outputs).toEqual(result.outputs)
    expect(Object.values(status.nodes).every((n) => n.state === 'done')).toBe(true)

    const events = await setup.rig.runs.getEvents(workflowId)
    const types = events.map((e) => e.type)
    expect(types[0]).toBe('execution_start')
    expect(types).toContain('execution_cached')
    expect(types.filter((t) => t === 'executing').length).toBeGreaterThanOrEqual(7)
    expect(types).toContain('executed')
    expect(types.indexOf('execution_success')).toBeGreaterThan(types.indexOf('executed'))
    const executing = events.filter((e) => e.type === 'executing').map((e) => e.data.node)
    expect(executing.indexOf('3')).toBeLessThan(executing.indexOf('8'))
    // The live side channel saw per-step progress and previews for this run.
    expect(setup.engine.sink.progressEvents.some((e) => e.runId === workflowId && e.classType === 'KSampler')).toBe(
      true
    )
    expect(setup.engine.sink.previews.some((p) => p.runId === workflowId)).toBe(true)
  })

  it('fails at once, non-retryable, naming the node, when ComfyUI rejects the prompt', async () => {
    const prompt = txt2img()
    const sampler = prompt['3']
    if (sampler !== undefined) sampler.inputs.sampler_name = 'no-such-sampler'
    const { workflowId } = await setup.rig.runs.startRun({ prompt })
    const error = await setup.rig.runs.result(workflowId).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WorkflowFailedError)
    const status = await setup.rig.runs.getStatus(workflowId)
    expect(status.status).toBe('failed')
    expect(status.error?.kind).toBe('validation')
    expect(status.error?.nodeId).toBe('3')
    expect(status.error?.message).toContain('3')
    expect(status.attempt).toBeLessThanOrEqual(1)
    const history = await setup.rig.client.workflow.getHandle(workflowId).fetchHistory()
    const scheduled = history.events?.filter((e) => e.activityTaskScheduledEventAttributes) ?? []
    const started = history.events?.filter((e) => e.activityTaskStartedEventAttributes) ?? []
    expect(scheduled).toHaveLength(1)
    expect(started[0]?.activityTaskStartedEventAttributes?.attempt).toBe(1)
  })

  it('fails with the node and message of an execution error', async () => {
    setup.sims[0]?.setFaults({
      errorAtNode: { classType: 'VAEDecode', exceptionType: 'RuntimeError', message: 'decoder exploded' },
    })
    try {
      const { workflowId } = await setup.rig.runs.startRun({ prompt: txt2img({ seed: 7 }) })
      await expect(setup.rig.runs.result(workflowId)).rejects.toBeInstanceOf(WorkflowFailedError)
      const status = await setup.rig.runs.getStatus(workflowId)
      expect(status.status).toBe('failed')
      expect(status.error).toMatchObject({
        kind: 'execution',
        nodeId: '8',
        classType: 'VAEDecode',
        exceptionType: 'RuntimeError',
      })
      expect(status.error?.message).toContain('decoder exploded')
      expect(status.nodes['8']?.state).toBe('error')
    } finally {
      setup.sims[0]?.clearFaults()
    }
  })

  it('fails a prompt no server can run (unknown model) without touching any server', async () => {
    const accepted = setup.sims[0]?.stats().accepted ?? 0
    const { workflowId } = await setup.rig.runs.startRun({ prompt: txt2img({ ckpt: 'missing.safetensors' }) })
    await expect(setup.rig.runs.result(workflowId)).rejects.toBeInstanceOf(WorkflowFailedError)
    const status = await setup.rig.runs.getStatus(workflowId)
    expect(status.error).toMatchObject({ kind: 'validation', nodeId: '4', classType: 'CheckpointLoaderSimple' })
    expect(status.error?.message).toContain('missing.safetensors')
    expect(setup.sims[0]?.stats().accepted).toBe(accepted)
  })

  it('keeps following the run when the WebSocket drops (reopened under the same client id)', async () => {
    const { workflowId } = await setup.rig.runs.startRun({ prompt: txt2img({ steps: 250, seed: 11 }) })
    const before = await waitFor('the sampler to run', async () => {
      const status = await setup.rig.runs.getStatus(workflowId)
      return status.current_node?.class_type === 'KSampler' && (status.node_progress?.value ?? 0) > 0
        ? status
        : undefined
    })
    setup.sims[0]?.dropWebSockets()
    // Step progress only arrives over the socket: rising progress means it was reopened.
    await waitFor('progress after the drop', async () => {
      const status = await setup.rig.runs.getStatus(workflowId)
      return (status.node_progress?.value ?? 0) > (before.node_progress?.value ?? 0) + 20
    })
    const result = await setup.rig.runs.result(workflowId)
    expect(result.attempt).toBe(1)
    expect(executions(setup.sims, result.promptId)).toBe(1)
  })

  it('a run shorter than the first progress signal still carries its server in the memo and its state in the result', async () => {
    const { workflowId } = await setup.rig.runs.startRun({ prompt: txt2img({ steps: 2, seed: 12 }) })
    const result = await setup.rig.runs.result(workflowId)
    const described = await setup.rig.client.workflow.getHandle(workflowId).describe()
    expect(described.memo).toMatchObject({ kind: 'run', server: result.serverName })
    expect(Object.values(result.nodes ?? {}).every((n) => n.state === 'done' || n.state === 'cached')).toBe(true)
    expect(result.events?.map((e) => e.type)).toContain('execution_success')
  })
})
