/**
 * What the pool learns a model load costs, through the real engine and a simulated ComfyUI whose loader
 * takes 400 ms: the set-up before a prompt's first sampler step, seen on the socket (issue #17 S3: learned
 * from each run's whole time against rough rates, 1.6 s loads came out as 0.3–0.6 s and the model-homes
 * plan made late switches it thought cheap).
 */
import { describe, expect, it } from 'vitest'
import { engineSetupForFile, txt2img } from './helpers'
import { DEFAULT_MODELS } from '../../../sim'

const LOAD_MS = 400
/** 40 steps of 20 ms: a run's whole time (~1.2 s) is far from its load, so a loaded machine's lag cannot blur them. */
const STEPS = 40
const setup = engineSetupForFile([{ timing: { stepMs: 20, nodeMs: 5, loadMs: LOAD_MS } }])

describe('model loads as the pool learns them', () => {
  it("are the time before a prompt's first step, not what is left of its whole time", async () => {
    const [a, b] = DEFAULT_MODELS.checkpoints!
    // The first run there loads its model while the GPU's rate is unknown; the second loads another.
    for (const [i, ckpt] of [a!, b!].entries()) {
      const { workflowId } = await setup.rig.runs.startRun({ prompt: txt2img({ steps: STEPS, seed: 300 + i, ckpt }) })
      expect((await setup.rig.runs.result(workflowId)).outputs).toHaveLength(1)
    }
    const learned = setup.engine.engine.pool.learnedLoadMs('s0')
    // 400 ms of load and about 15 ms of the nodes before the sampler; the scheduler's timers (and a
    // loaded machine) add some. The whole run is 400 + 800 ms: counting it would pass the upper bound.
    expect(learned).toBeGreaterThan(LOAD_MS * 0.9)
    expect(learned).toBeLessThan(LOAD_MS * 2.5)
  })
})
