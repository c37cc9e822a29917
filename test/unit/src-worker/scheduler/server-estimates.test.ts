import { describe, expect, test } from 'vitest'
import { ServerEstimates } from '../../../../src-worker/scheduler/server-estimates'

const CKPT = ['sd15.safetensors']

describe('ServerEstimates: model loads', () => {
  test("the first run's load is measured once the next run gives the hot rate", () => {
    const e = new ServerEstimates()
    // 10 units in 300 ms (the model loaded first), then 10 units in 100 ms with it loaded: the load took 200 ms.
    e.record('a', 10, 300, CKPT)
    expect(e.loadMs('a')).toBeNull()
    e.record('a', 10, 100, CKPT)
    expect(e.rate('a')).toBeCloseTo(0.1)
    expect(e.loadMs('a')).toBeCloseTo(200)
  })

  test('a load too short to stand out is measured as short, not left unknown', () => {
    const e = new ServerEstimates()
    e.record('a', 10, 105, CKPT)
    e.record('a', 10, 100, CKPT)
    expect(e.loadMs('a')).toBeCloseTo(5)
  })

  test("a GPU that never loaded borrows the farm's load, in cost units", () => {
    const e = new ServerEstimates()
    expect(e.farmLoadCost()).toBeNull()
    e.record('a', 10, 300, CKPT)
    e.record('a', 10, 100, CKPT)
    // 200 ms at 0.1 units/ms: a load costs 20 units, which a GPU at half the rate takes 400 ms to pay.
    expect(e.farmLoadCost()).toBeCloseTo(20)
    expect(e.loadMs('b')).toBeNull()
  })

  test("a server that left the farm does not speak for its loads (another farm's disks and models)", () => {
    const e = new ServerEstimates()
    e.record('gone', 10, 100, CKPT) // cold, then hot: a load of 0 units
    e.record('gone', 10, 100, CKPT)
    e.record('a', 10, 300, CKPT) // a load of 20 units, as above
    e.record('a', 10, 100, CKPT)
    expect(e.farmLoadCost()).toBeCloseTo(10)
    expect(e.farmLoadCost(['a', 'b'])).toBeCloseTo(20)
    expect(e.farmLoadCost(['b'])).toBeNull()
  })
})

describe('ServerEstimates: loads measured before the first step', () => {
  const X = ['x.safetensors']
  const Y = ['y.safetensors']

  test("a load is the set-up beyond that of runs that loaded nothing, whatever the run's whole time", () => {
    const e = new ServerEstimates()
    e.record('a', 30, 1500, X, null, 1005) // X's first run here loads it (1005 ms)
    e.record('a', 30, 1500, X, null, 5) // X loaded: 5 ms of set-up is the baseline
    // Y's first run: 1605 ms before its first step. Its whole time (2000 ms against 1500 expected) would
    // say 500 ms; the set-up says 1600.
    e.record('a', 30, 2000, Y, null, 1605)
    expect(e.loadMs('a')).toBeCloseTo(1005 + 0.4 * (1600 - 1005))
  })

  test("the first measured load replaces the one inferred from a cold warm-up's whole time", () => {
    const e = new ServerEstimates()
    // A 1-step warm-up that loaded X (no step timing): 8 units in 1660 ms, kept until a hot rate comes.
    e.record('a', 8, 1660, X)
    // The next run, X loaded: 30 units in 1500 ms gives the rate, and the warm-up's load is inferred from
    // it as 1660 − 8 / 0.02 = 1260 ms (the warm-up's fixed cost counted as work: too short).
    e.record('a', 30, 1500, X, null, 5)
    expect(e.rate('a')).toBeCloseTo(0.02)
    expect(e.loadMs('a')).toBeCloseTo(1260)
    e.record('a', 30, 3100, Y, null, 1605)
    expect(e.loadMs('a')).toBeCloseTo(1600)
    // Measured loads then average as before.
    e.record('a', 30, 2600, X, null, 1105)
    expect(e.loadMs('a')).toBeCloseTo(1600 + 0.4 * (1100 - 1600))
  })

  test('a model thought evicted that shows no load proves one more fits; one thought loaded that loads, one fewer', () => {
    const e = new ServerEstimates()
    // A card believed to hold one model (no VRAM known): X, then Y evicts X.
    e.record('a', 30, 1500, X, null, 5)
    e.record('a', 30, 3100, Y, null, 1605)
    expect(e.resident('a')).toEqual(new Set(Y))
    // X again with no load before its first step: both stay loaded.
    e.record('a', 30, 1500, X, null, 6)
    expect(e.room('a')).toBe(2)
    expect(e.resident('a')).toEqual(new Set([...X, ...Y]))
    // Y believed loaded, but its set-up shows a load: one model fits after all.
    e.record('a', 30, 3100, Y, null, 1605)
    expect(e.room('a')).toBe(1)
  })

  test('the rate leaves the measured load out', () => {
    const e = new ServerEstimates()
    // The first run there loads X (1000 ms of 2000): 30 units of work in the other 1000 ms.
    e.record('a', 30, 2000, X, null, 1000)
    expect(e.rate('a')).toBeCloseTo(0.03)
    expect(e.loadMs('a')).toBeCloseTo(1000)
  })
})
