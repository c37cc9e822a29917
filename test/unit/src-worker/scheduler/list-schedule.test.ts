import { describe, expect, it } from 'vitest'
import { dealRuns } from '../../../../src-worker/scheduler/list-schedule'
import type { PlacementRequest } from '../../../../src-worker/scheduler/placement'
import { txt2img } from '../../../integration/engine/prompts'
import { serverLoad } from '../../../helpers/server-load'

function run(runId: string, cost: number, models: string[] = []): PlacementRequest {
  return { runId, prompt: txt2img(), cost, models }
}

const dealtTo = (dealt: Map<PlacementRequest, string>): Record<string, string> =>
  Object.fromEntries([...dealt].map(([r, s]) => [r.runId, s]))

describe('dealing the waiting runs out', () => {
  it('gives each, in order, to the GPU that ends it first after what it was dealt before', () => {
    // a: rate 2, 20 units ahead (10 ms); b: rate 1, idle.
    // 40: a (20 + 40) / 2 = 30 ms, b 40 → a. 30: a 45, b 30 → b. 20: a (60 + 20) / 2 = 40, b 50 → a.
    // 10: a 45, b 40 → b.
    const runs = [run('r40', 40), run('r30', 30), run('r20', 20), run('r10', 10)]
    const loads = [serverLoad('a', { rate: 2, remainingCost: 20, inUse: 1 }), serverLoad('b', { rate: 1 })]
    expect(dealtTo(dealRuns(runs, loads))).toEqual({ r40: 'a', r30: 'b', r20: 'a', r10: 'b' })
  })

  it('counts a model load once per GPU, and leaves out the GPUs that are not usable or cannot run it', () => {
    // a has X loaded; b must load it (100 ms). x1 (100): a 100 ms, b 200 → a. x2 (100): a 200, b 200 → a
    // (the first that ends it no later). x3 (50): a 250, b 150 → b, which now holds X. x4 (50): a 250,
    // b 200 → b, no second load.
    const runs = [run('x1', 100, ['X']), run('x2', 100, ['X']), run('x3', 50, ['X']), run('x4', 50, ['X'])]
    const loads = [
      serverLoad('a', { rate: 1, loadedModels: new Set(['X']), reloadMs: 100 }),
      serverLoad('b', { rate: 1, reloadMs: 100 }),
      serverLoad('down', { rate: 10, usable: false }),
    ]
    expect(dealtTo(dealRuns(runs, loads))).toEqual({ x1: 'a', x2: 'a', x3: 'b', x4: 'b' })
  })

  it('leaves out a run no usable GPU can run', () => {
    const pinned: PlacementRequest = { ...run('pinned', 10), servers: ['elsewhere'] }
    expect(dealRuns([pinned], [serverLoad('a', { rate: 1 })]).size).toBe(0)
  })
})
