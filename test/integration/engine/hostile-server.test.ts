/**
 * A server that sends malformed frames in the middle of a run (sec/worker-crash-malformed-ws,
 * sec/ws-executed-constructor-crashes-main): the engine runs in this process, so a frame that threw from a
 * socket listener would be an uncaught exception here. The run must complete as if nothing was sent.
 */
import { describe, expect, it } from 'vitest'
import { txt2img, waitFor, engineSetupForFile } from './helpers'

const setup = engineSetupForFile([{ timing: { stepMs: 20, nodeMs: 5, loadMs: 5 }, previews: true }])

describe('a hostile server', () => {
  it('malformed frames during a run are ignored: the run completes with its output and sane progress', async () => {
    const { workflowId } = await setup.rig.runs.startRun({ prompt: txt2img({ steps: 150, seed: 77 }), name: 'hostile' })
    await waitFor('the sampler to run', async () => {
      const s = await setup.rig.runs.getStatus(workflowId)
      return s.current_node?.class_type === 'KSampler' && (s.node_progress?.value ?? 0) > 0 ? s : undefined
    })
    for (let i = 0; i < 5; i++) setup.sims[0]!.sendHostileFrames()
    const status = await setup.rig.runs.getStatus(workflowId)
    expect(Number.isFinite(status.progress)).toBe(true)
    expect(Object.keys(status.nodes).sort()).toEqual(Object.keys(txt2img()).sort())
    const result = await setup.rig.runs.result(workflowId)
    expect(result.attempt).toBe(1)
    expect(result.outputs).toHaveLength(1)
    expect(Object.hasOwn(result.nodes ?? {}, 'constructor')).toBe(false)
  }, 120_000)
})
