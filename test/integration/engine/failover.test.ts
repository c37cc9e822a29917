import { describe, expect, it } from 'vitest'
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
const fastRetry = { initialIntervalMs: 200, backoffCoefficient: 2, maximumIntervalMs: 2_000, maximumAttempts: 20 }

const runningOn = (workflowId: string): ReturnType<typeof samplerRunningOn> => samplerRunningOn(setup.rig, workflowId)

describe('failover', () => {
  it('a server that crashes mid-run: the run completes on another server, executed once', async () => {
    setup.sims = await startSims([{ timing }, { timing }])
    setup.engine = await startEngine(setup.rig, await workerServers(setup.sims))
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 100 }),
      options: { retry: fastRetry },
    })
    const first = await runningOn(workflowId)
    const crashed = setup.sims[Number(first.serverId.slice(1))]
    await crashed?.crash()

    const result = await setup.rig.runs.result(workflowId)
    expect(result.serverId).not.toBe(first.serverId)
    expect(result.promptId).toBe(first.promptId)
    expect(result.attempt).toBeGreaterThan(1)
    expect(executions(setup.sims, first.promptId)).toBe(1)
    expect(result.outputs).toHaveLength(1)
  })

  it('a server that crashes and restarts (queue lost): the prompt is resubmitted once and completes', async () => {
    setup.sims = await startSims([{ timing }])
    setup.engine = await startEngine(setup.rig, await workerServers(setup.sims))
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 100 }),
      options: { retry: fastRetry },
    })
    const first = await runningOn(workflowId)
    const sim = setup.sims[0]
    await sim?.crash()
    await sim?.restart()

    const result = await setup.rig.runs.result(workflowId)
    expect(result.serverId).toBe('s0')
    expect(sim?.stats().started[first.promptId]).toBe(2)
    expect(sim?.stats().executions[first.promptId]).toBe(1)
    expect((await setup.rig.runs.getStatus(workflowId)).status).toBe('completed')
  })

  it('a server that hangs: the run moves on, and when it answers again the abandoned prompt is removed there', async () => {
    setup.sims = await startSims([{ timing }, { timing }])
    // A hung server is gone after this much silence (30 s in production; shorter here to keep the test short).
    setup.engine = await startEngine(setup.rig, await workerServers(setup.sims), { silenceForGoneMs: 6_000 })
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 400 }),
      options: { retry: fastRetry },
    })
    const first = await runningOn(workflowId)
    const hung = setup.sims[Number(first.serverId.slice(1))]
    hung?.setFaults({ hang: true })

    const result = await setup.rig.runs.result(workflowId)
    expect(result.serverId).not.toBe(first.serverId)
    hung?.clearFaults()
    await waitFor('the abandoned prompt to be interrupted', () => (hung?.stats().interrupted ?? 0) === 1)
    await waitFor('the hung server to be idle', () => hung?.stats().running === null)
    expect(executions(setup.sims, first.promptId)).toBe(1)
    expect(hung?.stats().executions[first.promptId]).toBeUndefined()
    expect(setup.engine.logs.some((l) => l.includes('janitor: removed abandoned prompt'))).toBe(true)
  })
})

describe('out of memory', () => {
  it('is retried once on a server with more free VRAM', async () => {
    const gb = 1024 ** 3
    setup.sims = await startSims([
      { timing, device: { name: 'small', vramTotal: 12 * gb, vramFree: 8 * gb } },
      { timing, device: { name: 'big', vramTotal: 48 * gb, vramFree: 40 * gb } },
    ])
    setup.sims[0]?.setFaults({
      errorAtNode: { classType: 'KSampler', exceptionType: 'torch.OutOfMemoryError', message: 'CUDA out of memory' },
    })
    setup.engine = await startEngine(setup.rig, await workerServers(setup.sims))
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 5 }),
      options: { servers: ['s0', 's1'] },
    })
    const result = await setup.rig.runs.result(workflowId)
    expect(result.serverId).toBe('s1')
    expect(setup.sims[0]?.stats().failed).toBe(1)
    expect(setup.sims[1]?.stats().executions[result.promptId]).toBe(1)
  })

  it('fails with the node and message when no server has more free VRAM', async () => {
    setup.sims = await startSims([{ timing }])
    setup.sims[0]?.setFaults({
      errorAtNode: { classType: 'KSampler', exceptionType: 'torch.OutOfMemoryError', message: 'CUDA out of memory' },
    })
    setup.engine = await startEngine(setup.rig, await workerServers(setup.sims))
    const { workflowId } = await setup.rig.runs.startRun({ prompt: txt2img({ steps: 5 }) })
    await expect(setup.rig.runs.result(workflowId)).rejects.toThrow()
    const status = await setup.rig.runs.getStatus(workflowId)
    expect(status.error).toMatchObject({ kind: 'execution', nodeId: '3', exceptionType: 'torch.OutOfMemoryError' })
    expect(setup.sims[0]?.stats().failed).toBe(1)
  })
})

describe('work stealing', () => {
  it('a prompt queued on a slow server moves to a fast one that went idle, and runs there once', async () => {
    setup.sims = await startSims([
      { speed: 0.25, timing },
      { speed: 2, timing },
    ])
    setup.engine = await startEngine(setup.rig, await workerServers(setup.sims))
    // Fill the fast server (both slots) and start a long run on the slow one...
    const pinned = await Promise.all([
      setup.rig.runs.startRun({ prompt: txt2img({ steps: 40, seed: 1 }), options: { servers: ['s1'] } }),
      setup.rig.runs.startRun({ prompt: txt2img({ steps: 40, seed: 2 }), options: { servers: ['s1'] } }),
      setup.rig.runs.startRun({ prompt: txt2img({ steps: 100, seed: 3 }), options: { servers: ['s0'] } }),
    ])
    await waitFor(
      'three prompts on the servers',
      () => (setup.sims[0]?.stats().accepted ?? 0) + (setup.sims[1]?.stats().accepted ?? 0) === 3
    )
    // ...so the only free slot for this one is the slow server's pre-queue slot.
    const free = await setup.rig.runs.startRun({ prompt: txt2img({ steps: 40, seed: 4 }) })
    const queued = await waitFor('the free run to be queued on the slow server', async () => {
      const status = await setup.rig.runs.getStatus(free.workflowId)
      return status.status === 'queued' && status.server?.id === 's0' ? status : undefined
    })
    const result = await setup.rig.runs.result(free.workflowId)
    expect(result.serverId).toBe('s1')
    expect(result.promptId).toBe(queued.prompt_id)
    expect(setup.sims[0]?.stats().started[result.promptId]).toBeUndefined()
    expect(executions(setup.sims, result.promptId)).toBe(1)
    expect(
      setup.engine.logs.some((l) => l.includes(`run ${free.workflowId}: moved queued prompt from s0 to idle s1`))
    ).toBe(true)
    await Promise.all(pinned.map((r) => setup.rig.runs.result(r.workflowId)))
  })
})

describe('restarting a running prompt on an idle faster server', () => {
  it('interrupts it on the slow server and completes it once on the fast one', async () => {
    setup.sims = await startSims([
      { speed: 0.25, timing },
      { speed: 2, timing },
    ])
    setup.engine = await startEngine(setup.rig, await workerServers(setup.sims, 1))
    // Measure both servers' speed first (the pool needs rates to judge a restart).
    await Promise.all([
      setup.rig.runs.startRun({ prompt: txt2img({ steps: 5, seed: 21 }), options: { servers: ['s0'] } }),
      setup.rig.runs.startRun({ prompt: txt2img({ steps: 5, seed: 22 }), options: { servers: ['s1'] } }),
    ]).then((rs) => Promise.all(rs.map((r) => setup.rig.runs.result(r.workflowId))))
    // The fast server is busy for about 15 s, so the long free run lands on the slow one (16 s there, 17 s
    // behind the pinned run); then the pinned run is cancelled: what no placement could foresee.
    const pinned = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 1500, seed: 23 }),
      options: { servers: ['s1'] },
    })
    await waitFor(
      'the pinned run on s1',
      async () => (await setup.rig.runs.getStatus(pinned.workflowId)).status === 'running'
    )
    const free = await setup.rig.runs.startRun({ prompt: txt2img({ steps: 200, seed: 24 }) })
    const first = await runningOn(free.workflowId)
    expect(first.serverId).toBe('s0')
    await setup.rig.runs.cancel(pinned.workflowId)

    const result = await setup.rig.runs.result(free.workflowId)
    expect(result.serverId).toBe('s1')
    expect(result.promptId).toBe(first.promptId)
    expect(executions(setup.sims, result.promptId)).toBe(1)
    expect(setup.sims[0]?.stats().interrupted).toBe(1)
    expect(
      setup.engine.logs.some((l) => l.includes(`run ${free.workflowId}: restarted on idle s1, faster than s0`))
    ).toBe(true)
    const events = await setup.rig.runs.getEvents(free.workflowId)
    expect(events.some((e) => e.type === 'comfyfleet_moved' && e.data.reason === 'a faster server was idle')).toBe(true)
  })
})

describe('removing a server', () => {
  it('moves its running and queued prompts to another server, where each runs once', async () => {
    setup.sims = await startSims([{ timing }, { timing }])
    const servers = await workerServers(setup.sims)
    setup.engine = await startEngine(setup.rig, servers)
    // Four runs on two servers of two slots: each server has one running and one queued.
    const runs = await Promise.all(
      [1, 2, 3, 4].map((seed) =>
        setup.rig.runs.startRun({ prompt: txt2img({ steps: 60, seed }), options: { retry: fastRetry } })
      )
    )
    const onS0 = await waitFor('a running and a queued run on s0', async () => {
      const statuses = await Promise.all(runs.map((r) => setup.rig.runs.getStatus(r.workflowId)))
      const mine = statuses.filter((s) => s.server?.id === 's0')
      const states = mine.map((s) => s.status).sort()
      return states.join() === 'queued,running' ? mine : undefined
    })

    const answer = await setup.engine.engine.pool.evacuate('s0')
    expect(answer.remaining).toEqual([])
    expect(answer.moved.sort()).toEqual(onS0.map((s) => s.run_id).sort())
    setup.engine.engine.directory.update(servers.filter((s) => s.id !== 's0'))

    const results = await Promise.all(runs.map((r) => setup.rig.runs.result(r.workflowId)))
    for (const result of results) {
      expect(result.serverId).toBe('s1')
      expect(executions(setup.sims, result.promptId)).toBe(1)
      expect(setup.sims[0]?.stats().executions[result.promptId]).toBeUndefined()
    }
    const s0 = setup.sims[0]?.stats()
    expect(s0?.interrupted).toBe(1)
    expect(s0?.running).toBeNull()
    expect(s0?.queueLength).toBe(0)
    for (const status of onS0) {
      const events = await setup.rig.runs.getEvents(status.run_id)
      expect(events.some((e) => e.type === 'comfyfleet_moved' && e.data.from === 's0')).toBe(true)
    }
  })

  it('fails a run at once, naming what is missing, when no other server can run it', async () => {
    const ckpt = 'only-on-gpu-0.safetensors'
    setup.sims = await startSims([{ timing, models: { checkpoints: [ckpt] } }, { timing }])
    const servers = await workerServers(setup.sims)
    setup.engine = await startEngine(setup.rig, servers)
    const { workflowId } = await setup.rig.runs.startRun({
      prompt: txt2img({ steps: 200, ckpt }),
      options: { retry: fastRetry },
    })
    await runningOn(workflowId)
    await setup.engine.engine.pool.evacuate('s0')
    setup.engine.engine.directory.update(servers.filter((s) => s.id !== 's0'))
    await expect(setup.rig.runs.result(workflowId)).rejects.toThrow()
    expect((await setup.rig.runs.getStatus(workflowId)).error?.message).toContain(ckpt)
    expect(setup.sims[0]?.stats().interrupted).toBe(1)
  })
})
