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
