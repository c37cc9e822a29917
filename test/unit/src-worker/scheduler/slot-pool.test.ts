import { describe, expect, it } from 'vitest'
import type { WorkerServer } from '../../../../src-shared/contract/worker-protocol'
import { promptCost, type PlacementRequest } from '../../../../src-worker/scheduler/placement'
import { ServerDirectory } from '../../../../src-worker/scheduler/server-directory'
import { SlotPool, type Lease } from '../../../../src-worker/scheduler/slot-pool'
import { ServerSlotSupplier } from '../../../../src-worker/scheduler/slot-supplier'
import { txt2img } from '../../../integration/engine/prompts'
import { workerServer } from '../../../helpers/worker-server'

const server = (id: string, slots = 2): WorkerServer => workerServer(id, { slots })

function request(runId: string): PlacementRequest {
  const prompt = txt2img()
  return { runId, prompt, cost: promptCost(prompt), models: [] }
}

function setup(servers: WorkerServer[]): { directory: ServerDirectory; pool: SlotPool } {
  const directory = new ServerDirectory()
  directory.update(servers)
  return { directory, pool: new SlotPool(directory) }
}

const never = new AbortController().signal

describe('SlotPool', () => {
  it('hands out the slots of usable servers and makes later requests wait', async () => {
    const { pool } = setup([server('a', 1), server('b', 1)])
    const first = await pool.acquire(request('r1'), never)
    const second = await pool.acquire(request('r2'), never)
    expect(new Set([first.serverId, second.serverId])).toEqual(new Set(['a', 'b']))
    let third: Lease | null = null
    const waiting = pool.acquire(request('r3'), never).then((l) => {
      third = l
    })
    await new Promise((r) => setTimeout(r, 10))
    expect(third).toBeNull()
    pool.release(first)
    await waiting
    expect(third).not.toBeNull()
    expect((third as Lease | null)?.serverId).toBe(first.serverId)
  })

  it('drops a waiting request when its activity is cancelled', async () => {
    const { pool } = setup([server('a', 1)])
    await pool.acquire(request('r1'), never)
    const abort = new AbortController()
    const waiting = pool.acquire(request('r2'), abort.signal)
    abort.abort(new Error('cancelled'))
    await expect(waiting).rejects.toThrow('cancelled')
  })

  it('counts capacity from usable servers only, plus leases still held on the others', () => {
    const { directory, pool } = setup([server('a', 2), server('b', 3)])
    expect(pool.capacity()).toBe(5)
    const lease = pool.adopt('b', request('r1'), 'running')
    directory.markDown('b', 'test')
    expect(pool.capacity()).toBe(3)
    pool.release(lease)
    expect(pool.capacity()).toBe(2)
    directory.markUp('b')
    expect(pool.capacity()).toBe(5)
  })

  it('moves a queued prompt to a server that goes idle (work stealing), once', async () => {
    const { pool } = setup([server('slow', 2), server('fast', 1)])
    const running = pool.adopt('slow', request('r1'), 'running')
    const queued = pool.adopt('slow', request('r2'), 'queued')
    const busy = pool.adopt('fast', request('r3'), 'running')
    const targets: string[] = []
    queued.stealHandler = (target) => {
      targets.push(target.serverId)
      pool.release(queued)
      return Promise.resolve(true)
    }
    pool.release(busy)
    await new Promise((r) => setTimeout(r, 10))
    expect(targets).toEqual(['fast'])
    expect(pool.usage()).toEqual([
      { serverId: 'slow', inUse: 1, runIds: ['r1'], rate: null },
      { serverId: 'fast', inUse: 1, runIds: ['r2'], rate: null },
    ])
    expect(running.released).toBe(false)
  })

  it('gives the idle slot back when a move fails (the prompt had started)', async () => {
    const { pool } = setup([server('slow', 2), server('fast', 1)])
    const queued = pool.adopt('slow', request('r2'), 'queued')
    let calls = 0
    queued.stealHandler = () => {
      calls += 1
      return Promise.resolve(false)
    }
    pool.adopt('slow', request('r1'), 'running')
    ;(pool as unknown as { rebalance(): void }).rebalance()
    await new Promise((r) => setTimeout(r, 10))
    expect(calls).toBe(1)
    expect(pool.usage().find((u) => u.serverId === 'fast')?.inUse).toBe(0)
  })
})

describe('ServerSlotSupplier', () => {
  it('grants activity permits up to the server capacity plus one look-ahead run per server, and no further', async () => {
    const { directory, pool } = setup([server('a', 2)])
    const supplier = new ServerSlotSupplier(pool)
    const never2 = new AbortController()
    await supplier.reserveSlot({}, never2.signal)
    expect(supplier.tryReserveSlot()).not.toBeNull()
    // 2 slots + 1 look-ahead.
    expect(supplier.tryReserveSlot()).not.toBeNull()
    expect(supplier.tryReserveSlot()).toBeNull()
    let granted = false
    const pending = supplier.reserveSlot({}, never2.signal).then(() => (granted = true))
    await new Promise((r) => setTimeout(r, 10))
    expect(granted).toBe(false)
    // 3 slots + 2 look-ahead.
    directory.update([server('a', 2), server('b', 1)])
    await pending
    expect(supplier.outstanding).toBe(4)
    supplier.releaseSlot()
    expect(supplier.outstanding).toBe(3)
    await supplier.reserveSlot({}, never2.signal)
    await supplier.reserveSlot({}, never2.signal)
    const abort = new AbortController()
    const blocked = supplier.reserveSlot({}, abort.signal)
    expect(supplier.tryReserveSlot()).toBeNull()
    abort.abort()
    await expect(blocked).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('evacuates a server: no new runs there, each lease asked to move once, done when none is left', async () => {
    const { directory, pool } = setup([server('a', 2), server('b', 2)])
    const onA = [await pool.acquire(request('r1'), never), await pool.acquire(request('r2'), never)].filter(
      (l) => l.serverId === 'a'
    )
    const asked: string[] = []
    for (const lease of onA) {
      lease.evacuateHandler = () => {
        asked.push(lease.request.runId)
        setTimeout(() => pool.release(lease), 20)
        return Promise.resolve()
      }
    }
    const answer = await pool.evacuate('a', 2_000)
    expect(answer).toEqual({ moved: onA.map((l) => l.request.runId), remaining: [] })
    expect(asked.sort()).toEqual(onA.map((l) => l.request.runId).sort())
    expect(directory.isUsable('a')).toBe(false)
    const next = await pool.acquire(request('r3'), never)
    expect(next.serverId).toBe('b')
    // Taking the server back (main un-drained it) makes it usable again.
    directory.update([server('a', 2), server('b', 2)])
    expect(directory.isUsable('a')).toBe(true)
  })

  it('reports the runs still on a server when they cannot be moved in time', async () => {
    const { pool } = setup([server('a', 1)])
    const lease = await pool.acquire(request('r1'), never)
    lease.evacuateHandler = () => Promise.resolve()
    expect(await pool.evacuate('a', 100)).toEqual({ moved: [], remaining: ['r1'] })
  })

  it('restarts a running prompt on a server idle for a while when it would finish there well before', async () => {
    const { pool } = setup([server('slow', 1), server('fast', 1)])
    const cost = request('x').cost
    pool.recordRun('slow', cost, 2_000, []) // the slow server needs 2 s per prompt
    pool.recordRun('fast', cost, 200, []) // the fast one 0.2 s
    const slow = pool.adopt('slow', request('long'), 'running')
    slow.progress = 0.1
    const targets: string[] = []
    slow.restartHandler = (target) => {
      targets.push(target.serverId)
      pool.release(slow)
      return Promise.resolve(true)
    }
    pool.start(20)
    try {
      await new Promise((r) => setTimeout(r, 200))
      expect(targets).toEqual([]) // not while the idle server might still get work of its own
      await new Promise((r) => setTimeout(r, 600))
      expect(targets).toEqual(['fast'])
    } finally {
      pool.stop()
    }
  })

  it('leaves a running prompt alone when it is nearly done where it is', async () => {
    const { pool } = setup([server('slow', 1), server('fast', 1)])
    const cost = request('x').cost
    pool.recordRun('slow', cost, 2_000, [])
    pool.recordRun('fast', cost, 200, [])
    const slow = pool.adopt('slow', request('long'), 'running')
    slow.progress = 0.8
    let asked = false
    slow.restartHandler = () => {
      asked = true
      return Promise.resolve(false)
    }
    pool.start(20)
    try {
      await new Promise((r) => setTimeout(r, 800))
      expect(asked).toBe(false)
    } finally {
      pool.stop()
    }
  })
})
