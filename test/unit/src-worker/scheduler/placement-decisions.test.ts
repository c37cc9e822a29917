/**
 * Placement decisions on small hand-computed cases (issue #17): longest expected work first, model
 * affinity against a reload, not binding a long run to a slow GPU, an urgent run before the queued one.
 * Rates are cost units per ms; every expected finish below is worked out in the comments.
 */
import { describe, expect, it } from 'vitest'
import {
  chooseServer,
  hasSlotFor,
  waitBeatsReload,
  type PlacementRequest,
  type ServerLoad,
} from '../../../../src-worker/scheduler/placement'
import { compareWaiting } from '../../../../src-worker/scheduler/run-order'
import {
  capableServers,
  exclusiveBacklog,
  withBacklog,
  type WaitingRun,
} from '../../../../src-worker/scheduler/scarcity'
import { modelsThatFit, PRIOR_LOAD_COST, ServerEstimates } from '../../../../src-worker/scheduler/server-estimates'
import { ServerDirectory } from '../../../../src-worker/scheduler/server-directory'
import { SlotPool, type Lease } from '../../../../src-worker/scheduler/slot-pool'
import type { WorkerServer } from '../../../../src-shared/contract/worker-protocol'
import { txt2img } from '../../../integration/engine/prompts'
import { serverLoad } from '../../../helpers/server-load'
import { workerServer } from '../../../helpers/worker-server'

const load = serverLoad

function run(runId: string, cost: number, models: string[] = [], priority?: number): PlacementRequest {
  return { runId, prompt: txt2img(), cost, models, ...(priority === undefined ? {} : { priority }) }
}

describe('2 GPUs, 3 runs, one reload', () => {
  // GPU a: rate 2, model X loaded; GPU b: rate 1, model Y loaded; a model load takes 500 ms on either.
  const a = (extra: Partial<ServerLoad> = {}): ServerLoad =>
    load('a', { rate: 2, loadedModels: new Set(['X']), reloadMs: 500, ...extra })
  const b = (extra: Partial<ServerLoad> = {}): ServerLoad =>
    load('b', { rate: 1, loadedModels: new Set(['Y']), reloadMs: 500, ...extra })
  const r1 = run('r1', 1000, ['X'])
  const r2 = run('r2', 400, ['Y'])
  const r3 = run('r3', 1000, ['Y'])

  it('takes the longest runs first, in arrival order among equals', () => {
    expect([r2, r1, r3].sort(compareWaiting).map((r) => r.runId)).toEqual(['r1', 'r3', 'r2'])
  })

  it('places each where it finishes first, counting the reload', () => {
    // r1: a = 1000/2 = 500 ms; b = 500 (load X) + 1000/1 = 1500 ms → a.
    expect(chooseServer(r1, [a(), b()])?.server.id).toBe('a')
    // r3: a = 1000/2 (r1 ahead) + 500 (load Y) + 500 = 1500 ms; b = 1000 ms → b.
    expect(chooseServer(r3, [a({ remainingCost: 1000, inUse: 1 }), b()])?.server.id).toBe('b')
    // r2: a = 500 + 500 (load Y) + 200 = 1200 ms; b = 1000 (r3 ahead) + 400 = 1400 ms → a, reload and all.
    const afterTwo = [a({ remainingCost: 1000, inUse: 1 }), b({ remainingCost: 1000, inUse: 1 })]
    expect(chooseServer(r2, afterTwo)?.server.id).toBe('a')
  })

  it('keeps a run where its model is loaded when the reload costs more than waiting', () => {
    // With a 1000 ms load on a: a = 500 + 1000 + 200 = 1700 ms; b = 1400 ms → b, behind r3.
    const afterTwo = [a({ remainingCost: 1000, inUse: 1, reloadMs: 1000 }), b({ remainingCost: 1000, inUse: 1 })]
    expect(chooseServer(r2, afterTwo)?.server.id).toBe('b')
  })
})

describe('no long run bound to a slow GPU while a fast one will be free sooner', () => {
  // fast: rate 2, both slots taken, 200 units ahead (100 ms); slow: rate 0.5, free.
  const fast = load('fast', { rate: 2, inUse: 2, remainingCost: 200 })
  const slow = load('slow', { rate: 0.5 })

  it('a long run waits for the fast GPU', () => {
    // 1000 units: fast = 100 + 500 = 600 ms; slow = 2000 ms; 600 < 0.8 × 2000 → wait (null).
    expect(chooseServer(run('long', 1000), [fast, slow])).toBeNull()
  })

  it('a short run takes the free slow GPU', () => {
    // 20 units: fast = 100 + 10 = 110 ms; slow = 40 ms → slow.
    expect(chooseServer(run('short', 20), [fast, slow])?.server.id).toBe('slow')
  })
})

describe('the pool stays work-conserving', () => {
  it('a long run waits for the fast GPU, but the slow one takes a shorter waiting run instead of idling', async () => {
    const directory = new ServerDirectory()
    directory.update([workerServer('fast', { slots: 1 }), workerServer('slow', { slots: 1 })])
    const pool = new SlotPool(directory)
    pool.recordRun('fast', 100, 50, []) // rate 2
    pool.recordRun('slow', 100, 200, []) // rate 0.5
    const never = new AbortController().signal
    const busy = await pool.acquire(run('busy', 10), never)
    expect(busy.serverId).toBe('fast')
    const where = new Map<string, string>()
    const track = (r: PlacementRequest): Promise<void> =>
      pool.acquire(r, never).then((l) => void where.set(r.runId, l.serverId))
    // long (1000): fast = (10 + 1000) / 2 = 505 ms, slow = 2000 ms → it waits for fast.
    const long = track(run('long', 1000))
    await new Promise((r) => setTimeout(r, 5))
    expect(where.size).toBe(0)
    // short (20) would rather wait too (fast 15 ms < 0.8 × 40 ms), but two runs waiting beside an idle
    // GPU is a sure loss. Dealt out longest first: long to fast (505 ms), then short to slow (40 ms against
    // (1010 + 20) / 2 = 515 ms on fast), so slow takes it.
    await track(run('short', 20))
    expect(where.get('short')).toBe('slow')
    expect(where.has('long')).toBe(false)
    pool.release(busy)
    await long
    expect(where.get('long')).toBe('fast')
  })
})

describe('a free slot nobody chose takes the first run dealt to its GPU, not the shortest', () => {
  it('keeps the short runs for the end of the batch', async () => {
    const directory = new ServerDirectory()
    directory.update([workerServer('fast', { slots: 1 }), workerServer('slow', { slots: 1 })])
    const pool = new SlotPool(directory)
    pool.recordStep('fast', 0.25) // 4 units/ms
    pool.recordStep('slow', 1) // 1 unit/ms
    pool.adopt('fast', run('busy', 4), 'running') // 1 ms left
    const slowBusy = pool.adopt('slow', run('slow-busy', 4), 'running')
    const where = new Map<string, string>()
    const never = new AbortController().signal
    for (const [id, cost] of [
      ['r40', 40],
      ['r30', 30],
      ['r20', 20],
      ['r10', 10],
    ] as const)
      void pool
        .acquire(run(id, cost), never)
        .then((l) => void where.set(id, l.serverId))
        .catch(() => undefined) // pool.stop() turns the waiting ones away
    // Both GPUs are full: the four wait (a burst of uneven runs: placed once it pauses, 100 ms).
    await new Promise((r) => setTimeout(r, 200))
    expect(where.size).toBe(0)
    pool.release(slowBusy)
    await new Promise((r) => setTimeout(r, 5))
    // Each would rather wait for fast (r10: (4 + 10) / 4 = 3.5 ms < 0.8 × 10 ms on slow). Dealt out longest
    // first: r40 to fast (11 ms against 40), r30 to fast ((44 + 30) / 4 = 18.5 ms against 30), r20 to slow
    // (20 ms against (74 + 20) / 4 = 23.5), r10 to fast ((74 + 10) / 4 = 21 ms against 30): slow takes r20, and
    // both GPUs end at about 21 ms. Given the shortest, slow would end r10 at 10 ms and fast have 40 + 30 + 20
    // left: (4 + 90) / 4 = 23.5 ms.
    expect([...where]).toEqual([['r20', 'slow']])
    pool.stop()
  })
})

describe('at the end of a batch', () => {
  it('leaves the slow GPU idle rather than give it a long run that would end after everything else', async () => {
    const directory = new ServerDirectory()
    const servers = ['fast', 'mid', 'slow'].map((id) => workerServer(id, { slots: 1 }))
    directory.update(servers)
    const pool = new SlotPool(directory)
    pool.recordRun('fast', 100, 50, []) // rate 2
    pool.recordRun('mid', 100, 100, []) // rate 1
    pool.recordRun('slow', 100, 200, []) // rate 0.5
    const never = new AbortController().signal
    const busy = await pool.acquire(run('busy', 10), never)
    expect(busy.serverId).toBe('fast')
    expect((await pool.acquire(run('busy-mid', 10), never)).serverId).toBe('mid')
    const where = new Map<string, string>()
    const track = (r: PlacementRequest): Promise<void> =>
      pool.acquire(r, never).then((l) => void where.set(r.runId, l.serverId))
    // Two long runs wait, fewer than the three the look-ahead holds: the end of the batch. Horizon:
    // (10 + 10 + 1000 + 900) units / (2 + 1 + 0.5) per ms = 549 ms; the shorter one on the slow GPU would
    // end at 900 / 0.5 = 1800 ms, so the slow GPU stays idle.
    const a = track(run('long-a', 1000))
    const b = track(run('long-b', 900))
    await new Promise((r) => setTimeout(r, 5))
    expect(where.size).toBe(0)
    pool.release(busy)
    await a
    expect(where.get('long-a')).toBe('fast')
    // With one run waiting it may wait for the fast GPU: (1000 + 900) / 2 = 950 ms there < 0.8 × 1800 ms.
    await new Promise((r) => setTimeout(r, 5))
    expect(where.has('long-b')).toBe(false)
    void b
  })
})

describe("a busy GPU's pre-queue slot takes only a run that ends within the horizon", () => {
  function farm(slowRunning: boolean): {
    pool: SlotPool
    where: Map<string, string>
    track: (r: PlacementRequest) => void
  } {
    const directory = new ServerDirectory()
    directory.update([workerServer('fast'), workerServer('slow')])
    const pool = new SlotPool(directory)
    pool.recordStep('fast', 0.5) // 2 units/ms
    pool.recordStep('slow', 2) // 0.5 units/ms
    pool.adopt('fast', run('f-run', 100), 'running')
    pool.adopt('fast', run('f-queued', 100), 'queued')
    if (slowRunning) pool.adopt('slow', run('s-run', 10), 'running')
    const where = new Map<string, string>()
    const never = new AbortController().signal
    const track = (r: PlacementRequest): void =>
      void pool
        .acquire(r, never)
        .then((l) => void where.set(r.runId, l.serverId))
        .catch(() => undefined) // pool.stop() turns the waiting ones away
    return { pool, where, track }
  }

  it('a slow GPU with a prompt running does not pre-queue a run the fast one ends sooner', async () => {
    const { pool, where, track } = farm(true)
    // w1, w2 (100 units each). On slow: 10 / 0.5 + 100 / 0.5 = 220 ms; on fast, busy: (200 + 100) / 2 = 150 ms
    // < 0.8 × 220, so neither picks slow. Two runs waiting, so the shortest would fill slow's free slot, but
    // the horizon is (200 + 10 + 200) / (2 + 0.5) = 164 ms < 220 ms: slow is not idle, its slot stays free.
    track(run('w1', 100))
    track(run('w2', 100))
    await new Promise((r) => setTimeout(r, 5))
    expect(where.size).toBe(0)
    pool.stop()
  })

  it('an idle slow GPU still takes the run dealt to it at once', async () => {
    const { pool, where, track } = farm(false)
    // slow is idle: mid-batch an idle GPU is a sure loss, horizon or not. Dealt out: w1 to fast
    // ((200 + 100) / 2 = 150 ms against 200 ms on slow), then w2 to slow (180 ms against (300 + 90) / 2 = 195).
    track(run('w1', 100))
    track(run('w2', 90))
    await new Promise((r) => setTimeout(r, 5))
    expect([...where]).toEqual([['w2', 'slow']])
    pool.stop()
  })
})

describe('an urgent run takes the pre-queued slot, not the running prompt', () => {
  // One GPU, rate 1: 100 units left of the running prompt, 300 queued behind it; both slots taken.
  const busy = load('g', { inUse: 2, remainingCost: 400, runningCost: 100 })

  it('may take one slot more than a queued run (the slot-pool pre-check and chooseServer share this rule)', () => {
    const full = load('g', { inUse: 2 })
    expect(hasSlotFor(run('queued', 50), full)).toBe(false)
    expect(hasSlotFor(run('urgent', 50, [], 1), full)).toBe(true)
    expect(hasSlotFor(run('urgent', 50, [], 1), load('g', { inUse: 3 }))).toBe(false)
  })

  it('goes to the front when it is urgent: it waits only for the running prompt', () => {
    expect(chooseServer(run('urgent', 50, [], 1), [busy])?.server.id).toBe('g')
    expect(chooseServer(run('normal', 50), [busy])).toBeNull()
  })

  it('is handed the next free slot before longer runs that waited longer', async () => {
    const directory = new ServerDirectory()
    directory.update([workerServer('g', { slots: 1 })])
    const pool = new SlotPool(directory)
    const never = new AbortController().signal
    const first = await pool.acquire(run('first', 10), never)
    const order: string[] = []
    const track = (r: PlacementRequest): Promise<Lease> =>
      pool.acquire(r, never).then((l) => {
        order.push(r.runId)
        pool.release(l)
        return l
      })
    const waiting = [track(run('short', 10)), track(run('long', 500)), track(run('urgent', 5, [], 1))]
    pool.release(first)
    await Promise.all(waiting)
    expect(order).toEqual(['urgent', 'long', 'short'])
  })
})

describe('ServerEstimates', () => {
  it('counts the models of the prompts sent there as loaded when a new run would start', () => {
    const e = new ServerEstimates()
    e.record('g', 100, 100, ['A'])
    expect(e.rate('g')).toBe(1)
    expect([...e.resident('g')]).toEqual(['A'])
    // A prompt sent there with B: B is loaded before it runs, A evicted on a one-model card.
    expect([...e.resident('g', null, ['B'])]).toEqual(['B'])
  })

  it('learns the hot rate, the load time, and that a second model stays loaded', () => {
    const e = new ServerEstimates()
    e.record('g', 100, 100, ['A']) // first run: rate 1 unit/ms
    e.record('g', 100, 700, ['B']) // B was not there: 600 ms more than 100 at rate 1 → a 600 ms load
    expect(e.rate('g')).toBe(1)
    expect(e.loadMs('g')).toBe(600)
    expect([...e.resident('g')]).toEqual(['B'])
    e.record('g', 100, 100, ['A']) // A, thought evicted, ran hot: two models fit
    expect([...e.resident('g')]).toEqual(['A', 'B'])
  })
})

describe('model affinity from the first run (priors)', () => {
  it('counts a prior load before any was measured: 39 units at the GPU rate', () => {
    // a: rate 1, model X loaded, both slots taken, 30 units to go; b: rate 1, free, Y loaded. A run of 20
    // units on X: a = 30 + 20 = 50 ms; b = 39 (prior load of X) + 20 = 59 ms. Waiting is not clearly
    // better (50 ≥ 0.8 × 59 = 47.2 ms) → b.
    expect(PRIOR_LOAD_COST).toBe(39)
    const a = load('a', { loadedModels: new Set(['X']), remainingCost: 30, inUse: 2 })
    const b = load('b', { loadedModels: new Set(['Y']) })
    expect(chooseServer(run('r', 20, ['X']), [a, b])?.server.id).toBe('b')
    // With 5 units queued on a: a = 25 ms < 0.8 × 59 ms → it waits for a, where X is loaded.
    expect(chooseServer(run('r', 20, ['X']), [{ ...a, remainingCost: 5 }, b])).toBeNull()
  })

  it('counts a load twice on a full card: it evicts a model a later run loads again', () => {
    // busy: X loaded, both slots taken, 600 units to go → 600 + 100 = 700 ms. free: Y loaded, a 500 ms load.
    const busy = load('busy', { loadedModels: new Set(['X']), remainingCost: 600, inUse: 2, reloadMs: 500 })
    const free = load('free', { loadedModels: new Set(['Y']), reloadMs: 500 })
    // Room unknown (or for another model): 500 + 100 = 600 ms; 700 ≥ 0.8 × 600 → the free GPU.
    expect(chooseServer(run('x', 100, ['X']), [busy, free])?.server.id).toBe('free')
    expect(chooseServer(run('x', 100, ['X']), [busy, { ...free, modelRoom: 2 }])?.server.id).toBe('free')
    // Room for one model, Y in it: 2 × 500 + 100 = 1100 ms; 700 < 0.8 × 1100 → it waits for X's GPU.
    expect(chooseServer(run('x', 100, ['X']), [busy, { ...free, modelRoom: 1 }])).toBeNull()
  })

  it('takes how many models stay loaded from the VRAM /system_stats reports', () => {
    const gb = 1024 ** 3
    expect(modelsThatFit(null)).toBe(1)
    expect(modelsThatFit(8 * gb)).toBe(1) // (8 − 1) / 6.5
    expect(modelsThatFit(12 * gb)).toBe(1) // (12 − 1) / 6.5 = 1.7
    expect(modelsThatFit(24 * gb)).toBe(3) // (24 − 1) / 6.5 = 3.5
    const e = new ServerEstimates()
    for (const m of ['A', 'B', 'C']) e.record('big', 100, 100, [m], 24 * gb)
    e.record('small', 100, 100, ['A'], 12 * gb)
    e.record('small', 100, 100, ['B'], 12 * gb)
    expect([...e.resident('big', 24 * gb)]).toEqual(['C', 'B', 'A'])
    expect([...e.resident('small', 12 * gb)]).toEqual(['B'])
    // A run's own models were loaded together, whatever the prior says (a checkpoint and an upscaler).
    e.record('small', 100, 100, ['A', 'up.pth'], 12 * gb)
    expect([...e.resident('small', 12 * gb)]).toEqual(['A', 'up.pth'])
  })

  it('a free slot does not take a run that would reload there when its model starts sooner elsewhere', () => {
    // busy: X loaded, 20 units ahead (20 ms); free: Y loaded, a load of X there takes 500 ms → wait.
    const busy = load('busy', { loadedModels: new Set(['X']), remainingCost: 20, inUse: 2, reloadMs: 500 })
    const free = load('free', { loadedModels: new Set(['Y']), reloadMs: 500 })
    expect(waitBeatsReload(run('x', 10, ['X']), free, [busy, free])).toBe(true)
    // 800 units ahead on busy (800 ms) is longer than the 500 ms load: the free GPU should take it.
    expect(waitBeatsReload(run('x', 10, ['X']), free, [{ ...busy, remainingCost: 800 }, free])).toBe(false)
    // Its model loaded on the free GPU: no reload to weigh.
    expect(waitBeatsReload(run('y', 10, ['Y']), free, [busy, free])).toBe(false)
  })

  it('the pool keeps a GPU idle rather than reload when the loaded one is about to be free', async () => {
    const directory = new ServerDirectory()
    directory.update([workerServer('x', { slots: 1 }), workerServer('y', { slots: 1 })])
    const pool = new SlotPool(directory)
    pool.recordRun('x', 100, 100, ['X']) // X loaded; prior load 39 ms
    pool.recordRun('y', 100, 100, ['Y']) // Y loaded
    pool.recordStep('x', 1) // rate 1, from the steps
    pool.recordStep('y', 1)
    const never = new AbortController().signal
    const busy = await pool.acquire(run('busy', 5, ['X']), never)
    expect(busy.serverId).toBe('x')
    const where = new Map<string, string>()
    const track = (r: PlacementRequest): Promise<void> =>
      pool.acquire(r, never).then((l) => void where.set(r.runId, l.serverId))
    // Two X runs wait: on x they start after 5 ms; on y after a 39 ms load. Both wait for x.
    const first = track(run('x1', 30, ['X']))
    const second = track(run('x2', 20, ['X']))
    await new Promise((r) => setTimeout(r, 5))
    expect(where.size).toBe(0)
    pool.release(busy)
    await first
    expect(where.get('x1')).toBe('x')
    void second
  })
})

describe('an urgent run goes where it starts first', () => {
  it('prefers the GPU whose running prompt ends first, even a slower one', () => {
    // fast: rate 2, 400 units running (200 ms to go); slow: rate 0.5, 20 units running (40 ms to go).
    // Finish: fast 200 + 25 = 225 ms, slow 40 + 100 = 140 ms; start: fast 200 ms, slow 40 ms → slow.
    const fast = load('fast', { rate: 2, inUse: 2, remainingCost: 600, runningCost: 400 })
    const slow = load('slow', { rate: 0.5, inUse: 2, remainingCost: 100, runningCost: 20 })
    expect(chooseServer(run('urgent', 50, [], 1), [fast, slow])?.server.id).toBe('slow')
    // 10 units running on fast (5 ms to go) → fast starts it first.
    expect(chooseServer(run('urgent', 50, [], 1), [{ ...fast, runningCost: 10 }, slow])?.server.id).toBe('fast')
  })
})

describe('a burst is seen whole before it is ordered', () => {
  it("the farm's only worker holds 8 waiting runs per usable server, a worker sharing the queue 1", () => {
    const directory = new ServerDirectory()
    directory.update([workerServer('a'), workerServer('b'), workerServer('down', { online: false })])
    // Two usable servers of 2 slots: capacity 4, plus the look-ahead per usable server.
    expect(new SlotPool(directory).permitLimit()).toBe(4 + 2)
    expect(new SlotPool(directory, 8).permitLimit()).toBe(4 + 16)
  })

  it('runs arriving together are placed once the burst pauses: the longest takes the free GPU', async () => {
    const directory = new ServerDirectory()
    directory.update([workerServer('g1', { slots: 1 }), workerServer('g2', { slots: 1 })])
    const pool = new SlotPool(directory)
    // Speeds measured (equal), so no GPU is probed first (see below).
    for (const id of ['g1', 'g2']) pool.recordStep(id, 1)
    const never = new AbortController().signal
    const where = new Map<string, string>()
    const track = (r: PlacementRequest): Promise<void> =>
      pool.acquire(r, never).then((l) => void where.set(r.runId, l.serverId))
    // The first of the burst goes at once; the short one, arriving next, would take g2 at once if placed
    // on arrival, before the long one is seen.
    await track(run('first', 5))
    const short = track(run('short', 10))
    const long = track(run('long', 60))
    await long
    expect(where.get('long')).toBe('g2')
    expect(where.has('short')).toBe(false)
    void short
  })

  it('runs of one size are placed on arrival: there is nothing to order', async () => {
    const directory = new ServerDirectory()
    directory.update([workerServer('g1', { slots: 1 }), workerServer('g2', { slots: 1 })])
    const pool = new SlotPool(directory)
    for (const id of ['g1', 'g2']) pool.recordStep(id, 1) // speeds known: nothing to probe
    const never = new AbortController().signal
    const placed: string[] = []
    void pool.acquire(run('a', 10), never).then((l) => placed.push(l.serverId))
    void pool.acquire(run('b', 10), never).then((l) => placed.push(l.serverId))
    await new Promise((r) => setImmediate(r))
    expect(placed.sort()).toEqual(['g1', 'g2'])
  })
})

describe('GPU speeds are probed before a burst binds its long runs', () => {
  /** GPUs a and b of 2 slots, speeds not measured; `where` records each placement. */
  function twoUnmeasuredGpus(): {
    pool: SlotPool
    where: Map<string, string>
    track: (r: PlacementRequest) => Promise<void>
  } {
    const directory = new ServerDirectory()
    directory.update([workerServer('a'), workerServer('b')])
    const pool = new SlotPool(directory)
    const never = new AbortController().signal
    const where = new Map<string, string>()
    const track = (r: PlacementRequest): Promise<void> =>
      pool.acquire(r, never).then((l) => void where.set(r.runId, l.serverId))
    return { pool, where, track }
  }

  it('an unmeasured GPU first takes a short run; the long one waits for its first steps', async () => {
    const { pool, where, track } = twoUnmeasuredGpus()
    // A lone run, on GPUs of unknown speed, waits for a pause of 100 ms (it may be a burst's longest), then
    // goes to a.
    await track(run('first', 8))
    expect(where.get('first')).toBe('a')
    // The burst: b is idle and unmeasured, so it gets the shortest run, s1; `long` (60 ≥ 1.5 × 8, the shortest
    // here) waits while the speeds are due, and a's free slot is kept for it: s2 waits too.
    const s1 = track(run('s1', 10))
    const s2 = track(run('s2', 11))
    const long = track(run('long', 60))
    await s1
    expect(where.get('s1')).toBe('b')
    await new Promise((r) => setTimeout(r, 5))
    expect(where.has('long') || where.has('s2')).toBe(false)
    // b's first steps tell its speed (2 units/ms); a's are still due, so long still waits.
    pool.recordStep('b', 0.5)
    await new Promise((r) => setTimeout(r, 5))
    expect(where.has('long')).toBe(false)
    // a is slow (0.5 units/ms): long takes b's free slot, (10 + 60) / 2 = 35 ms against (8 + 60) / 0.5; s2 a's.
    pool.recordStep('a', 2)
    await Promise.all([long, s2])
    expect(where.get('long')).toBe('b')
    expect(where.get('s2')).toBe('a')
  })

  it('while a long run waits for the speeds, the GPUs keep their pre-queue slot for it', async () => {
    const { pool, where, track } = twoUnmeasuredGpus()
    await track(run('first', 8))
    // One uneven burst, placed once it pauses: b (idle, unmeasured) is probed with s1; `long` is held; s2 and
    // s3 would fill a's and b's second slots, which stay free for `long`.
    const runs = ['long', 's1', 's2', 's3'].map((id, i) => track(run(id, [60, 10, 11, 12][i]!)).catch(() => undefined))
    await runs[1]
    await new Promise((r) => setTimeout(r, 5))
    expect([...where]).toEqual([
      ['first', 'a'],
      ['s1', 'b'],
    ])
    // Speeds: a 0.5 units/ms, b 2. long: b's free slot, (10 + 60) / 2 = 35 ms; then a's free slot goes to the
    // longest short run, s3.
    pool.recordStep('a', 2)
    pool.recordStep('b', 0.5)
    await Promise.all([runs[0], runs[3]])
    expect(where.get('long')).toBe('b')
    expect(where.get('s3')).toBe('a')
    expect(where.has('s2')).toBe(false)
    pool.stop()
  })

  it('runs of one length are not held back for probing', async () => {
    const directory = new ServerDirectory()
    directory.update([workerServer('a', { slots: 1 }), workerServer('b', { slots: 1 })])
    const pool = new SlotPool(directory)
    const never = new AbortController().signal
    const leases = await Promise.all([pool.acquire(run('x', 10), never), pool.acquire(run('y', 10), never)])
    expect(leases.map((l) => l.serverId).sort()).toEqual(['a', 'b'])
  })

  it('a speed counts as known from sampler steps, or from a finished run that loaded no model', () => {
    const e = new ServerEstimates()
    expect(e.speedKnown('g')).toBe(false)
    e.record('g', 10, 100, ['M']) // its first run loaded M: load and work are one figure
    expect(e.speedKnown('g')).toBe(false)
    e.record('g', 10, 100, ['M'])
    expect(e.speedKnown('g')).toBe(true)
    expect(e.speed('g')).toBeCloseTo(0.1) // 10 units / 100 ms
    e.recordStep('g', 4)
    expect(e.speed('g')).toBeCloseTo(0.25) // steps win: 1 unit / 4 ms
  })
})

describe('work stealing counts the model load', () => {
  function stealAsked(queuedModel: string): boolean {
    const directory = new ServerDirectory()
    const servers = [workerServer('busy'), workerServer('idle')]
    directory.update(servers)
    const pool = new SlotPool(directory)
    pool.recordRun('busy', 100, 100, ['X']) // rate 1, X loaded
    pool.recordRun('idle', 100, 100, ['Y']) // rate 1, Y loaded; a card with room for one model
    pool.adopt('busy', run('running', 50, ['X']), 'running')
    const queued = pool.adopt('busy', run('queued', 10, [queuedModel]), 'queued')
    let asked = false
    queued.stealHandler = () => {
      asked = true
      return Promise.resolve(false)
    }
    directory.update(servers) // a change: the pool rebalances
    return asked
  }

  it('an idle GPU takes a queued prompt whose model it has: 10 ms there against 60 ms where it waits', () => {
    expect(stealAsked('Y')).toBe(true)
  })

  it('but not one it would load a model for: 2 × 39 (prior load, full card) + 10 = 88 ms > 60 ms', () => {
    expect(stealAsked('X')).toBe(false)
  })
})

describe('scarce GPUs are kept for the runs only they can run', () => {
  // GPUs a and b, rate 1, one slot each. s1 (30 units) and s2 (20) can run on a only; f1 (50) and f2 (40)
  // on either.
  const s1: PlacementRequest = { ...run('s1', 30), servers: ['a'] }
  const s2: PlacementRequest = { ...run('s2', 20), servers: ['a'] }
  const f1 = run('f1', 50)
  const f2 = run('f2', 40)

  it('counts the work of scarcer runs waiting for a GPU as queued there', () => {
    // a free; b busy with 10 units, its slot taken.
    const one = (id: string): WorkerServer => workerServer(id, { slots: 1 })
    const loads = [load('a', { server: one('a') }), load('b', { server: one('b'), inUse: 1, remainingCost: 10 })]
    const waiting = [s1, s2, f1, f2].map((request) => ({ request, servers: capableServers(request, loads) }))
    const [ws1, , wf1] = waiting as [WaitingRun, WaitingRun, WaitingRun, WaitingRun]
    expect(exclusiveBacklog(wf1, waiting, loads)).toEqual(new Map([['a', 50]]))
    // s2 can run where s1 can: not scarcer, no backlog.
    expect(exclusiveBacklog(ws1, waiting, loads).size).toBe(0)
    // f1 without the backlog: a = 50 ms, b = 10 + 50 = 60 ms (not < 0.8 × 50) → a.
    expect(chooseServer(f1, loads)?.server.id).toBe('a')
    // With it: a = 50 + 50 = 100 ms; b = 60 ms < 0.8 × 100 → it waits for b, a is left to s1 and s2.
    expect(chooseServer(f1, withBacklog(wf1, waiting, loads))).toBeNull()
  })

  it('the pool gives a its exclusive work first and the flexible runs to b', async () => {
    const directory = new ServerDirectory()
    directory.update([workerServer('a', { slots: 1 }), workerServer('b', { slots: 1 })])
    const pool = new SlotPool(directory)
    pool.recordStep('a', 1) // rate 1, measured from the steps
    pool.recordStep('b', 1)
    const busyA = pool.adopt('a', run('busy-a', 10), 'running')
    const busyB = pool.adopt('b', run('busy-b', 10), 'running')
    const never = new AbortController().signal
    const [ps1, ps2, pf1, pf2] = [s1, s2, f1, f2].map((r) => pool.acquire(r, never)) as [
      Promise<Lease>,
      Promise<Lease>,
      Promise<Lease>,
      Promise<Lease>,
    ]
    // a frees first. Longest first alone would hand it f1 (a = 50 ms, b = 10 + 50 = 60 ms); s1 and s2
    // would then wait 50 ms more for the only GPU that can run them. Scarcer first: s1.
    // (Each step awaits whichever run is placed next, so a wrong choice fails at once instead of hanging.)
    pool.release(busyA)
    const onA = await Promise.race([ps1, ps2, pf1, pf2])
    expect([onA.request.runId, onA.serverId]).toEqual(['s1', 'a'])
    // b frees: f1 (b = 50 ms; a = 30 (s1) + 20 (s2 waits for a) + 50 = 100 ms) → b.
    pool.release(busyB)
    const onB = await Promise.race([ps2, pf1, pf2])
    expect([onB.request.runId, onB.serverId]).toEqual(['f1', 'b'])
    // s1 ends: s2, the scarcer run, takes a; f2 then has no free slot.
    pool.release(onA)
    expect((await ps2).serverId).toBe('a')
    // f1 ends: f2 on b = 40 ms, on a = 20 (s2) + 40 = 60 ms → b.
    pool.release(onB)
    expect((await pf2).serverId).toBe('b')
    pool.stop()
  })
})

describe("a GPU that never loaded a model borrows the farm's measured load", () => {
  // GPU a: rate 2, model X loaded, one run of 100 units ahead (50 ms). GPU b: rate 1, nothing loaded, no load
  // measured there. A run of 50 units of model X.
  const r = run('r', 50, ['X'])
  const a = load('a', { rate: 2, loadedModels: new Set(['X']), remainingCost: 100, inUse: 1 })

  it('with only the prior (a 6.5 GB load), the run waits for the faster GPU', () => {
    // a: 50 + 25 = 75 ms; b: PRIOR_LOAD_COST (39 units) / 1 + 50 = 89 ms → a.
    expect(PRIOR_LOAD_COST / 1 + 50).toBeGreaterThan(75)
    expect(chooseServer(r, [a, load('b', { rate: 1 })])?.server.id).toBe('a')
  })

  it('when the farm measured loads of 5 units, the idle slower GPU takes it', () => {
    // b: 5 / 1 + 50 = 55 ms < 75 ms on a.
    expect(chooseServer(r, [a, load('b', { rate: 1, farmLoadCost: 5 })])?.server.id).toBe('b')
  })
})
