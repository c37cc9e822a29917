/**
 * Model homes on small hand-computed cases (issue #17 S3): GPUs that hold one model keep it instead of
 * switching back and forth, a GPU switches only when that finishes the work left sooner (its load counted
 * at its own rate), and the slow GPU keeps the model it holds while the roomy fast one loads the others.
 * Rates are cost units per ms; the plan's finish is worked out in the comments (Hall's condition: every set
 * of groups fits in what the GPUs serving them can do by then).
 */
import { describe, expect, it } from 'vitest'
import { homed, homeRunFor, nextHomePlacement, planModelHomes } from '../../../../src-worker/scheduler/model-homes'
import type { PlacementRequest, ServerLoad } from '../../../../src-worker/scheduler/placement'
import { ServerDirectory } from '../../../../src-worker/scheduler/server-directory'
import { SlotPool } from '../../../../src-worker/scheduler/slot-pool'
import { txt2img } from '../../../integration/engine/prompts'
import { serverLoad } from '../../../helpers/server-load'
import { workerServer } from '../../../helpers/worker-server'

function gpu(id: string, loaded: string[], extra: Partial<ServerLoad> = {}): ServerLoad {
  return serverLoad(id, { loadedModels: new Set(loaded), reloadMs: 500, modelRoom: 1, ...extra })
}

function runs(prefix: string, n: number, cost: number, model: string): PlacementRequest[] {
  return Array.from({ length: n }, (_, i) => ({ runId: `${prefix}${i}`, prompt: txt2img(), cost, models: [model] }))
}

const homesOf = (plan: ReturnType<typeof planModelHomes>, id: string): string[] => [...(plan?.homes.get(id) ?? [])]

describe('two GPUs of one-model VRAM, runs of two models: no ping-pong', () => {
  // a holds X, b holds Y; both rate 1, a load takes 500 ms; 4 runs of 100 of each model.
  const a = gpu('a', ['X'])
  const b = gpu('b', ['Y'])
  const waiting = [...runs('x', 4, 100, 'X'), ...runs('y', 4, 100, 'Y')]

  it('each GPU keeps its model: 400 ms, against 900 ms for a swap (two loads of 500)', () => {
    const plan = planModelHomes(waiting, [a, b])
    expect(homesOf(plan, 'a')).toEqual(['X'])
    expect(homesOf(plan, 'b')).toEqual(['Y'])
    expect(plan?.finishMs).toBeCloseTo(400, 0)
  })

  it("a free slot takes a run of its GPU's model", () => {
    const plan = planModelHomes(waiting, [a, b])!
    expect(homeRunFor(plan, a, waiting, [a, b])?.models).toEqual(['X'])
    expect(homeRunFor(plan, b, waiting, [a, b])?.models).toEqual(['Y'])
  })

  it("once X's runs are done, a does not load Y when b ends Y's work as soon (500 ms either way)", () => {
    // b is 100 units into a run: alone it ends the 400 units of Y by 100 + 400 = 500 ms. With a loading Y:
    // (t − 500) + (t − 100) ≥ 400 → t = 500. No gain: a waits rather than load.
    const busyB = gpu('b', ['Y'], { remainingCost: 100, inUse: 1 })
    const onlyY = runs('y', 4, 100, 'Y')
    const plan = planModelHomes(onlyY, [a, busyB])!
    expect(homesOf(plan, 'a')).toEqual([])
    expect(homeRunFor(plan, a, onlyY, [a, busyB])).toBeNull()
    expect(nextHomePlacement(plan, onlyY, [a, busyB])?.load.server.id).toBe('b')
  })

  it('a switches to Y when that ends the work left sooner, its load counted (700 ms against 900 ms)', () => {
    // 8 runs of Y: b alone 100 + 800 = 900 ms; with a: (t − 500) + (t − 100) = 800 → t = 700.
    const busyB = gpu('b', ['Y'], { remainingCost: 100, inUse: 1 })
    const moreY = runs('y', 8, 100, 'Y')
    const plan = planModelHomes(moreY, [a, busyB])!
    expect(homesOf(plan, 'a')).toEqual(['Y'])
    expect(plan.finishMs).toBeCloseTo(700, 0)
    expect(homeRunFor(plan, a, moreY, [a, busyB])?.models).toEqual(['Y'])
  })
})

describe('the slow GPU keeps its model, the roomy fast GPU loads the other', () => {
  // slow: rate 0.5, one model, holds A, a load takes 2000 ms there. fast: rate 2, two models, holds A,
  // a load takes 250 ms. A: 2 runs of 200 (400 units); B: 4 runs of 200 (800 units).
  //   slow {A}, fast {A, B}: B 800 ≤ 2(t − 250) → 650; A+B 1200 ≤ 0.5t + 2(t − 250) → 680. → 680 ms
  //   slow {A}, fast {B}: A 400 ≤ 0.5t → 800 ms; slow {}, fast {A, B}: 1200 ≤ 2(t − 250) → 850 ms;
  //   slow {B}: 800 ≤ 0.5(t − 2000) → 3600 ms.
  const slow = gpu('slow', ['A'], { rate: 0.5, reloadMs: 2000 })
  const fast = gpu('fast', ['A'], { rate: 2, reloadMs: 250, modelRoom: 2 })
  const waiting = [...runs('a', 2, 200, 'A'), ...runs('b', 4, 200, 'B')]

  it('plans slow {A}, fast {A, B}, ending at 680 ms', () => {
    const plan = planModelHomes(waiting, [slow, fast])
    expect(homesOf(plan, 'slow')).toEqual(['A'])
    expect(homesOf(plan, 'fast').sort()).toEqual(['A', 'B'])
    expect(plan?.finishMs).toBeCloseTo(680, 0)
  })

  it("the fast GPU takes B first (800 units over rate 2 is more behind than A's 400 over 2.5), the slow one A", () => {
    const plan = planModelHomes(waiting, [slow, fast])!
    expect(homeRunFor(plan, fast, waiting, [slow, fast])?.models).toEqual(['B'])
    expect(homeRunFor(plan, slow, waiting, [slow, fast])?.models).toEqual(['A'])
  })
})

describe('a load pays off only when a whole run follows it in time', () => {
  // big: rate 2, holds A and B; one: rate 1, one model, holds C (its runs are done), a load takes 200 ms.
  // 10 runs of A (100 each) that only big may run, and one run of B of 600.
  //   one idle: A + B 1600 ≤ 2t → 800 ms. one {B}: counted divisibly 1600 ≤ 2t + (t − 200) → 600 ms, but its
  //   B run ends at 200 + 600 = 800 ms: no sooner, so it loads nothing.
  const big = gpu('big', ['A', 'B'], { rate: 2, modelRoom: 3, reloadMs: 100 })
  const one = gpu('one', ['C'], { reloadMs: 200 })
  const onlyBig = runs('a', 10, 100, 'A').map((r) => ({ ...r, servers: ['big'] }))
  const waiting = [...onlyBig, ...runs('b', 1, 600, 'B')]

  it('the one-model GPU does not load B for a last run it would end no sooner than the GPU holding B', () => {
    const plan = planModelHomes(waiting, [big, one])
    expect(homesOf(plan, 'one')).toEqual([])
    expect(plan?.finishMs).toBeCloseTo(800, 0)
  })
})

describe("a batch's start: every one-model GPU holds the first model", () => {
  // a and b: rate 1, both hold X, a load takes 500 ms; 4 runs of X and 4 of Y, all cost 100.
  //   both {X}: Y has no home. a {X}, b {Y}: X 400 ≤ t; Y 400 ≤ t − 500 → 900 ms (one load, not a ping-pong).
  const waiting = [...runs('x', 4, 100, 'X'), ...runs('y', 4, 100, 'Y')]

  it('one of them moves to the other model, the other keeps it', () => {
    const plan = planModelHomes(waiting, [gpu('a', ['X']), gpu('b', ['X'])])
    expect([homesOf(plan, 'a'), homesOf(plan, 'b')].flat().sort()).toEqual(['X', 'Y'])
    expect(plan?.finishMs).toBeCloseTo(900, 0)
  })
})

describe("a run's models are loaded together", () => {
  // u and v: rate 1, one checkpoint each; u holds C, v holds D; a load takes 500 ms. 'up' needs C and the
  // small upscaler U, on u only (S4's rare node); 2 runs of C and 3 of D may run anywhere; all cost 100.
  //   u {C, U}, v {D}: up + C 300 ≤ t − 500 → 800; D 300 ≤ t; all 600 ≤ 2t − 500 → 550. → 800 ms.
  //   v {C, D} instead: D 300 ≤ t − 500 → 800, no shorter. Counting U as a second checkpoint, u could hold C
  //   or U, never both: up would have no home and wait for good.
  const u = gpu('u', ['C'])
  const v = gpu('v', ['D'])
  const up: PlacementRequest = { runId: 'up', prompt: txt2img(), cost: 100, models: ['C', 'U'], servers: ['u'] }
  const waiting = [up, ...runs('c', 2, 100, 'C'), ...runs('d', 3, 100, 'D')]

  it('a one-model card that alone may run it holds both', () => {
    const plan = planModelHomes(waiting, [u, v])
    expect(homesOf(plan, 'u').sort()).toEqual(['C', 'U'])
    expect(homesOf(plan, 'v')).toEqual(['D'])
    expect(plan?.finishMs).toBeCloseTo(800, 0)
    expect(plan !== null && homed(plan, up, [u, v])).toBe(true)
  })

  it('and with nothing else to evict there, models do not matter (no plan)', () => {
    expect(planModelHomes([up, ...runs('c', 2, 100, 'C')], [u, gpu('v', ['C'])])).toBeNull()
  })
})

describe('when models do not matter there is no plan', () => {
  it('one model that every GPU holds', () => {
    expect(planModelHomes(runs('x', 3, 100, 'X'), [gpu('a', ['X']), gpu('b', ['X'])])).toBeNull()
  })

  it('every model fits on every GPU', () => {
    const roomy = [gpu('a', ['X'], { modelRoom: 3 }), gpu('b', ['Y'], { modelRoom: 3 })]
    expect(planModelHomes([...runs('x', 2, 100, 'X'), ...runs('y', 2, 100, 'Y')], roomy)).toBeNull()
  })
})

describe('the pool places by model homes', () => {
  it('two one-model GPUs of one rate each take the runs of the model they hold, in any arrival order', async () => {
    const directory = new ServerDirectory()
    directory.update([workerServer('a', { slots: 1 }), workerServer('b', { slots: 1 })])
    const pool = new SlotPool(directory)
    // rate 1 each; a ran X, b ran Y (no VRAM known: one model fits).
    pool.recordRun('a', 100, 100, ['X'])
    pool.recordRun('b', 100, 100, ['Y'])
    const never = new AbortController().signal
    const where = new Map<string, string>()
    const batch = [...runs('y', 1, 100, 'Y'), ...runs('x', 1, 100, 'X')]
    await Promise.all(batch.map((r) => pool.acquire(r, never).then((l) => void where.set(r.runId, l.serverId))))
    expect(Object.fromEntries(where)).toEqual({ y0: 'b', x0: 'a' })
  })
})
