import { describe, expect, it } from 'vitest'
import { executions, sleep, txt2img, waitFor, engineSetupForFile } from './helpers'

const setup = engineSetupForFile([{ timing: { stepMs: 25, nodeMs: 2, loadMs: 5 } }])

describe('the Temporal dev server stopped and restarted mid-run (same db file)', () => {
  it('the run completes, executed once', async () => {
    const { workflowId } = await setup.rig.runs.startRun({ prompt: txt2img({ steps: 200 }) })
    const running = await waitFor('the sampler to run', async () => {
      const status = await setup.rig.runs.getStatus(workflowId)
      return status.current_node?.class_type === 'KSampler' ? status : undefined
    })
    await setup.rig.temporal.stop()
    await sleep(2_000)
    await setup.rig.temporal.start()

    const result = await waitFor('the run result', () => setup.rig.runs.result(workflowId), 90_000)
    const promptId = running.prompt_id ?? ''
    expect(result.promptId).toBe(promptId)
    expect(result.outputs).toHaveLength(1)
    expect(executions(setup.sims, promptId)).toBe(1)
    expect(setup.sims[0]?.stats().started[promptId]).toBe(1)
    expect((await setup.rig.runs.getStatus(workflowId)).status).toBe('completed')
  })
})
