import { beforeAll, describe, expect, it } from 'vitest'
import { ComfyHttpClient } from '../../../src-shared/comfy/http-client'
import { txt2img, waitFor, engineSetupForFile } from './helpers'

let comfy: ComfyHttpClient

const setup = engineSetupForFile([{ timing: { stepMs: 20, nodeMs: 2, loadMs: 5 } }])

beforeAll(() => {
  comfy = new ComfyHttpClient(setup.sims[0]?.url ?? '')
})

async function workflowStatus(workflowId: string): Promise<string> {
  return (await setup.rig.client.workflow.getHandle(workflowId).describe()).status.name
}

/** Another ComfyUI client's prompt, posted straight to the server (not ours: must never be touched). */
async function foreignPrompt(steps: number): Promise<string> {
  const promptId = crypto.randomUUID()
  const answer = await comfy.postPrompt({
    prompt: txt2img({ steps, seed: 999, prefix: 'foreign' }),
    client_id: 'someone-else',
    prompt_id: promptId,
  })
  expect(answer.ok).toBe(true)
  return promptId
}

describe('cancel', () => {
  it('deletes a pending prompt from the queue (a foreign running prompt is untouched) and ends Canceled', async () => {
    const foreign = await foreignPrompt(100)
    const { workflowId } = await setup.rig.runs.startRun({ prompt: txt2img({ seed: 1 }) })
    const queued = await waitFor('the run to be queued behind the foreign prompt', async () => {
      const status = await setup.rig.runs.getStatus(workflowId)
      return status.status === 'queued' && status.prompt_id !== null ? status : undefined
    })
    const promptId = queued.prompt_id ?? ''
    expect((await comfy.getQueue()).queue_pending.map((i) => i[1])).toContain(promptId)

    await setup.rig.runs.cancel(workflowId)
    await waitFor('the workflow to be cancelled', async () => (await workflowStatus(workflowId)) === 'CANCELLED')
    const queue = await comfy.getQueue()
    expect(queue.queue_pending.map((i) => i[1])).not.toContain(promptId)
    expect(queue.queue_running.map((i) => i[1])).toEqual([foreign])
    expect(await comfy.getHistory(promptId)).toBeNull()
    const status = await setup.rig.runs.getStatus(workflowId)
    expect(status.status).toBe('cancelled')

    await waitFor('the foreign prompt to finish', () => (setup.sims[0]?.stats().executions[foreign] ?? 0) === 1)
    expect(setup.sims[0]?.stats().started[promptId]).toBeUndefined()
  })

  it('interrupts a running prompt by its prompt_id, drops its history entry, and ends Canceled', async () => {
    const before = setup.sims[0]?.stats().interrupted ?? 0
    const { workflowId } = await setup.rig.runs.startRun({ prompt: txt2img({ steps: 200, seed: 2 }) })
    const running = await waitFor('the sampler to run', async () => {
      const status = await setup.rig.runs.getStatus(workflowId)
      return status.current_node?.class_type === 'KSampler' ? status : undefined
    })
    const promptId = running.prompt_id ?? ''
    await setup.rig.runs.cancel(workflowId)
    await waitFor('the workflow to be cancelled', async () => (await workflowStatus(workflowId)) === 'CANCELLED')
    expect(setup.sims[0]?.stats().interrupted).toBe(before + 1)
    expect(setup.sims[0]?.stats().executions[promptId]).toBeUndefined()
    expect(await comfy.getHistory(promptId)).toBeNull()
    expect((await comfy.getQueue()).queue_running).toEqual([])
  })

  it('the public cancel signal stops the run the same way and it shows as Canceled in Temporal', async () => {
    const { workflowId } = await setup.rig.runs.startRun({ prompt: txt2img({ steps: 200, seed: 3 }) })
    const running = await waitFor('the sampler to run', async () => {
      const status = await setup.rig.runs.getStatus(workflowId)
      return status.current_node?.class_type === 'KSampler' ? status : undefined
    })
    await setup.rig.runs.signalCancel(workflowId, 'user pressed stop')
    await waitFor('the workflow to be cancelled', async () => (await workflowStatus(workflowId)) === 'CANCELLED')
    const status = await setup.rig.runs.getStatus(workflowId)
    expect(status.status).toBe('cancelled')
    expect(status.error?.message).toBe('user pressed stop')
    expect(setup.sims[0]?.stats().executions[running.prompt_id ?? '']).toBeUndefined()
    expect((await comfy.getQueue()).queue_running).toEqual([])
  })
})
