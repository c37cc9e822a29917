import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SimServer } from '../../../sim'
import {
  executions,
  sleep,
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
  ;({ rig, sims, engine } = await startEngineSetup([{ timing: { stepMs: 25, nodeMs: 2, loadMs: 5 } }]))
})

afterAll(async () => {
  await stopEngineSetup({ rig, sims, engine })
})

describe('the Temporal dev server stopped and restarted mid-run (same db file)', () => {
  it('the run completes, executed once', async () => {
    const { workflowId } = await rig.runs.startRun({ prompt: txt2img({ steps: 200 }) })
    const running = await waitFor('the sampler to run', async () => {
      const status = await rig.runs.getStatus(workflowId)
      return status.current_node?.class_type === 'KSampler' ? status : undefined
    })
    await rig.temporal.stop()
    await sleep(2_000)
    await rig.temporal.start()

    const result = await waitFor('the run result', () => rig.runs.result(workflowId), 90_000)
    const promptId = running.prompt_id ?? ''
    expect(result.promptId).toBe(promptId)
    expect(result.outputs).toHaveLength(1)
    expect(executions(sims, promptId)).toBe(1)
    expect(sims[0]?.stats().started[promptId]).toBe(1)
    expect((await rig.runs.getStatus(workflowId)).status).toBe('completed')
  })
})
