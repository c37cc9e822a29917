/** The cache's progress row keeps up with the live channel: the last update of a burst is written too. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Cache } from '../../../../src-main/cache'
import { EventHub } from '../../../../src-main/core/event-hub'
import { RunTracker } from '../../../../src-main/runs/run-tracker'
import { txt2img } from '../../../integration/engine/prompts'
import { withCache } from '../../../helpers/cache-fixtures'

let cache: Cache
let cleanup: () => void
let tracker: RunTracker

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  ;({ cache, cleanup } = withCache())
  const fleet = { list: () => [], objectInfo: () => null }
  tracker = new RunTracker({ runs: () => null, cache, hub: new EventHub(), fleet, log: () => undefined })
  tracker.recordNewRun({ id: 'r1', workflowId: 'run-r1', name: 'r1', prompt: txt2img(), workflow: null, batchId: null })
})

afterEach(() => {
  tracker.stop()
  cleanup()
  vi.useRealTimers()
})

const step = (value: number) => ({
  runId: 'r1',
  serverId: 's0',
  nodeId: '3',
  classType: 'KSampler',
  nodeState: 'running' as const,
  value,
  max: 20,
  progress: value / 20,
})

describe('run tracker progress rows', () => {
  it('a step held back by the write gap is written at the end of the gap, the latest one', async () => {
    tracker.onProgress(step(1))
    expect(cache.runs.getSummary('r1')?.progress).toBeCloseTo(0.05)
    for (const value of [2, 3, 4]) {
      await vi.advanceTimersByTimeAsync(50)
      tracker.onProgress(step(value))
    }
    expect(cache.runs.getSummary('r1')?.progress).toBeCloseTo(0.05)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(cache.runs.getSummary('r1')?.progress).toBeCloseTo(0.2)
  })

  it('a burst of node changes is one row write, then the latest state at the end of the node gap', async () => {
    const node = (nodeId: string, nodeState: 'running' | 'done', progress: number) => ({
      ...step(0),
      nodeId,
      classType: 'KSampler',
      nodeState,
      value: null,
      max: null,
      progress,
    })
    tracker.onProgress(node('3', 'running', 0.1))
    expect(cache.runs.getSummary('r1')?.progress).toBeCloseTo(0.1)
    await vi.advanceTimersByTimeAsync(5)
    tracker.onProgress(node('3', 'done', 0.5))
    tracker.onProgress(node('8', 'running', 0.6))
    expect(cache.runs.getSummary('r1')?.progress).toBeCloseTo(0.1)
    // The UI's view of the open run is live meanwhile.
    expect(tracker.withLive(cache.runs.getSummary('r1')!).progress).toBeCloseTo(0.6)
    await vi.advanceTimersByTimeAsync(250)
    expect(cache.runs.getSummary('r1')?.progress).toBeCloseTo(0.6)
    expect(cache.runs.getRun('r1')?.nodes['3']?.state).toBe('done')
  })
})
