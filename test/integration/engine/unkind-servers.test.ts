/**
 * Exactly once against slow, old and hostile servers: the field cases of issue #11 kinds 1–3
 * (shared/cases bughunt/ and sec/), each with the simulator behaving like the server in the report.
 */
import { describe, expect, it } from 'vitest'
import type { SimServer, SimServerOptions } from '../../../sim'
import {
  executions,
  startEngine,
  startSims,
  txt2img,
  waitFor,
  workerServers,
  rigWithEnginePerTest,
  samplerRunningOn,
} from './helpers'

const setup = rigWithEnginePerTest()

const timing = { stepMs: 20, nodeMs: 2, loadMs: 5 }
const fastRetry = { initialIntervalMs: 200, backoffCoefficient: 2, maximumIntervalMs: 2_000, maximumAttempts: 10 }

async function farm(options: SimServerOptions[]): Promise<void> {
  setup.sims = await startSims(options)
  setup.engine = await startEngine(setup.rig, await workerServers(setup.sims))
}

const runningOn = (workflowId: string): ReturnType<typeof samplerRunningOn> => samplerRunningOn(setup.rig, workflowId)

function simOf(serverId: string): SimServer {
  const sim = setup.sims[Number(serverId.slice(1))]
  if (sim === undefined) throw new Error(`no simulator for ${serverId}`)
  return sim
}

describe('a slow server is not a dead server', () => {
  it('GET /queue answering in 8 s: the run completes once with its image (bughunt/slow-queue-endpoint-loses-finished-run)', async () => {
    await farm([{ timing }])
    // Long enough after the slowdown for several /queue polls to time out (the case's run takes 40 s).
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 500 }),
      options: { retry: fastRetry },
    })
    const { promptId } = await runningOn(workflowId)
    setup.sims[0]?.setFaults({ slowQueueMs: 8_000 })

    const result = await setup.rig.runs.result(workflowId)
    expect(result.outputs).toHaveLength(1)
    expect(result.attempt).toBe(1)
    expect(setup.sims[0]?.stats().started[promptId]).toBe(1)
    expect(setup.sims[0]?.stats().executions[promptId]).toBe(1)
    expect(setup.sims[0]?.stats().interrupted).toBe(0)
  })

  it('every answer 4 s late while the prompt runs: it completes on that server, executed once (sec/duplicate-execution-slow-server)', async () => {
    await farm([{ timing }, { timing }])
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 100 }),
      options: { retry: fastRetry },
    })
    const { serverId, promptId } = await runningOn(workflowId)
    simOf(serverId).setFaults({ slowMs: 4_000 })

    const result = await setup.rig.runs.result(workflowId)
    simOf(serverId).clearFaults()
    expect(result.serverId).toBe(serverId)
    expect(result.outputs).toHaveLength(1)
    expect(executions(setup.sims, promptId)).toBe(1)
    for (const sim of setup.sims) expect(sim.stats().interrupted).toBe(0)
  })

  it('slow server and a worker restart: the new worker reattaches there instead of resubmitting elsewhere', async () => {
    await farm([{ timing }, { timing }])
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 150 }),
      options: { retry: fastRetry },
    })
    const { serverId, promptId } = await runningOn(workflowId)
    simOf(serverId).setFaults({ slowMs: 4_000 })
    await setup.engine?.stop()
    setup.engine = await startEngine(setup.rig, await workerServers(setup.sims))

    const result = await setup.rig.runs.result(workflowId)
    simOf(serverId).clearFaults()
    expect(result.serverId).toBe(serverId)
    expect(executions(setup.sims, promptId)).toBe(1)
    const other = setup.sims.find((s) => s !== simOf(serverId))
    expect(other?.stats().accepted).toBe(0)
  })

  it('POST /prompt answered after the 15 s control timeout: the prompt is tracked, not sent again', async () => {
    await farm([{ timing }, { timing }])
    for (const sim of setup.sims) sim.setFaults({ slowPostPromptMs: 17_000 })
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 20 }),
      options: { retry: fastRetry },
    })
    const result = await setup.rig.runs.result(workflowId)
    expect(result.outputs).toHaveLength(1)
    expect(setup.sims.reduce((n, s) => n + s.stats().accepted, 0)).toBe(1)
    expect(executions(setup.sims, result.promptId)).toBe(1)
  })

  it('history written 3 s after execution_success: completes once', async () => {
    await farm([{ timing }])
    setup.sims[0]?.setFaults({ historyDelayMs: 3_000 })
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 10 }),
      options: { retry: fastRetry },
    })
    const result = await setup.rig.runs.result(workflowId)
    expect(result.outputs).toHaveLength(1)
    expect(setup.sims[0]?.stats().accepted).toBe(1)
    expect(executions(setup.sims, result.promptId)).toBe(1)
  })

  it('history never written after execution_success: completes once with the images of the executed events (bughunt/history-lost-after-success-reruns-10x)', async () => {
    await farm([{ timing }])
    setup.sims[0]?.setFaults({ forgetHistory: true })
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 10 }),
      options: { retry: fastRetry },
    })
    const result = await setup.rig.runs.result(workflowId)
    expect(result.outputs).toHaveLength(1)
    expect(result.outputs[0]?.filename).toMatch(/^fleet_\d{5}_\.png$/)
    expect(setup.sims[0]?.stats().accepted).toBe(1)
    expect(executions(setup.sims, result.promptId)).toBe(1)
  })
})

describe('never trust a server about a prompt it was not given', () => {
  it('a server answering success for any id cannot complete another server’s run on failover (sec/spoofed-history-hijacks-failover)', async () => {
    await farm([{ timing }, { timing }])
    setup.sims[1]?.setFaults({ spoofHistory: true })
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 100 }),
      options: { retry: fastRetry, servers: ['s0'] },
    })
    const { promptId } = await runningOn(workflowId)
    await setup.sims[0]?.crash()
    setTimeout(() => void setup.sims[0]?.restart(), 2_000)

    const result = await setup.rig.runs.result(workflowId)
    expect(result.serverId).toBe('s0')
    expect(result.outputs.map((o) => o.filename)).not.toContainEqual(expect.stringMatching(/^SPOOF_/))
    expect(result.outputs[0]?.filename).toMatch(/^fleet_\d{5}_\.png$/)
    expect(setup.sims[1]?.stats().accepted).toBe(0)
    expect(setup.sims[0]?.stats().executions[promptId]).toBe(1)
  })

  it('the run’s own server answering success for it while it still runs: tracked on, its real image, run once', async () => {
    await farm([{ timing }])
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 60 }),
      options: { retry: fastRetry },
    })
    const { promptId } = await runningOn(workflowId)
    // A spell of lies mid-run (the chaos suite's spoof-history): /history/{id} says "done" with an image it never made.
    setup.sims[0]?.setFaults({ spoofHistory: true })
    setTimeout(() => setup.sims[0]?.setFaults({ spoofHistory: false }), 1_500)

    const result = await setup.rig.runs.result(workflowId)
    expect(result.outputs.map((o) => o.filename)).not.toContainEqual(expect.stringMatching(/^SPOOF_/))
    expect(result.outputs[0]?.filename).toMatch(/^fleet_\d{5}_\.png$/)
    expect(setup.sims[0]?.stats().executions[promptId]).toBe(1)
    expect(setup.sims[0]?.stats().started[promptId]).toBe(1)
  })
})

describe('older ComfyUI versions', () => {
  it('a server that ignores the client prompt_id runs the prompt once and the run completes (bughunt/prompt-id-ignored-runs-10x)', async () => {
    await farm([{ timing, ignoreClientPromptId: true, comfyuiVersion: '0.3.40' }])
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 10 }),
      options: { retry: fastRetry },
    })
    const result = await setup.rig.runs.result(workflowId)
    expect(result.outputs).toHaveLength(1)
    const stats = setup.sims[0]?.stats()
    expect(stats?.accepted).toBe(1)
    expect(stats?.completed).toBe(1)
  })

  it('an old server whose POST answer times out: the prompt is found by its marker and followed, run once', async () => {
    await farm([{ timing, ignoreClientPromptId: true }])
    setup.sims[0]?.setFaults({ slowPostPromptMs: 17_000 })
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 20 }),
      options: { retry: fastRetry },
    })
    const result = await setup.rig.runs.result(workflowId)
    expect(result.outputs).toHaveLength(1)
    expect(setup.sims[0]?.stats().accepted).toBe(1)
    expect(setup.sims[0]?.stats().completed).toBe(1)
  })

  it('an old server’s prompt is found again after a worker restart (by the marker in extra_data)', async () => {
    await farm([{ timing, ignoreClientPromptId: true }, { timing }])
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 150 }),
      options: { retry: fastRetry, servers: ['s0'] },
    })
    await runningOn(workflowId)
    await setup.engine?.stop()
    setup.engine = await startEngine(setup.rig, await workerServers(setup.sims))
    const result = await setup.rig.runs.result(workflowId)
    expect(result.outputs).toHaveLength(1)
    expect(setup.sims[0]?.stats().accepted).toBe(1)
    expect(setup.sims[0]?.stats().completed).toBe(1)
  })

  it('cancelling a queued run on a server without targeted interrupt leaves the running one alone (bughunt/old-server-interrupt-kills-other-run)', async () => {
    await farm([{ timing, globalInterruptOnly: true, comfyuiVersion: '0.3.50' }])
    const a = await setup.rig.runs.startRun({ prompt: txt2img({ steps: 150, seed: 1 }), options: { retry: fastRetry } })
    await runningOn(a.workflowId)
    const b = await setup.rig.runs.startRun({ prompt: txt2img({ steps: 150, seed: 2 }), options: { retry: fastRetry } })
    const queued = await waitFor('run B to be queued behind A', async () => {
      const status = await setup.rig.runs.getStatus(b.workflowId)
      return status.status === 'queued' && status.prompt_id !== null ? status : undefined
    })
    await setup.rig.runs.cancel(b.workflowId)
    await waitFor(
      'run B to be cancelled',
      async () => (await setup.rig.runs.getStatus(b.workflowId)).status === 'cancelled'
    )

    const resultA = await setup.rig.runs.result(a.workflowId)
    expect(resultA.outputs).toHaveLength(1)
    expect(setup.sims[0]?.stats().interrupted).toBe(0)
    expect(setup.sims[0]?.stats().started[queued.prompt_id ?? '']).toBeUndefined()
  })
})
