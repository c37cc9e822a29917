/**
 * Placement is farm-wide healthy: two workers share a task queue (one GPU host each). A worker whose
 * only server is down or disabled still has activity polls out from before (Temporal reserved their
 * slots), so it can be handed a run; it must give the run back at once instead of holding it until its
 * server returns, and the other host runs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SimServer } from '../../../sim'
import type { WorkerServer } from '../../../src-shared/contract/worker-protocol'
import {
  executions,
  startEngine,
  waitFor,
  startRig,
  startSims,
  txt2img,
  workerServers,
  type Rig,
  type RunningEngine,
} from './helpers'

let rig: Rig
let sims: SimServer[]
let hostA: RunningEngine
let hostB: RunningEngine
let serverB: WorkerServer

beforeAll(async () => {
  rig = await startRig()
  const timing = { stepMs: 5, nodeMs: 2, loadMs: 5 }
  sims = await startSims([{ timing }, { timing }])
  const [a, b] = await workerServers(sims)
  serverB = { ...b!, id: 'host-b' }
  hostA = await startEngine(rig, [a!], { ownsWholeFarm: false, identity: 'host-a' })
  hostB = await startEngine(rig, [serverB], { ownsWholeFarm: false, identity: 'host-b' })
})

afterAll(async () => {
  await hostA?.stop()
  await hostB?.stop()
  await Promise.all((sims ?? []).map((s) => s.stop()))
  await rig?.close()
})

const retry = { initialIntervalMs: 200, maximumIntervalMs: 500, maximumAttempts: 20 }

async function runFour(seed: number): Promise<void> {
  const ids = await Promise.all(
    Array.from({ length: 4 }, (_, i) =>
      rig.runs.startRun({ prompt: txt2img({ steps: 4, seed: seed + i }), options: { retry } })
    )
  )
  const results = await Promise.all(ids.map((r) => rig.runs.result(r.workflowId)))
  for (const r of results) {
    expect(r.serverId).toBe('s0')
    expect(executions(sims, r.promptId)).toBe(1)
  }
}

/** Host B healthy until its pollers hold their slots (as after any uptime), then its server goes bad. */
async function breakHostB(server: WorkerServer): Promise<void> {
  hostB.engine.directory.update([serverB])
  // Every permit it may issue (its slots plus the scheduler's look-ahead run) is held by a poll.
  await waitFor(
    'host B polling with every permit',
    () => hostB.engine.supplier.outstanding === hostB.engine.pool.permitLimit()
  )
  hostB.engine.directory.update([server])
}

describe('a worker with no healthy server gives runs back at once', () => {
  it('when its ComfyUI is down (its probe said offline), the other host runs everything', async () => {
    await breakHostB({ ...serverB, online: false })
    await runFour(100)
    expect(sims[1]?.stats().accepted).toBe(0)
    expect(hostB.logs.join('\n')).not.toContain('reattached')
  }, 60_000)

  it('when its server is disabled (not accepting), likewise', async () => {
    await breakHostB({ ...serverB, accepting: false })
    await runFour(200)
    expect(sims[1]?.stats().accepted).toBe(0)
  }, 60_000)
})
