import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProgressReporter } from '../../../../src-worker/activities/progress-reporter'
import { RunProgress } from '../../../../src-worker/activities/run-progress'
import { MemorySink, nullSink } from '../../../../src-worker/progress-sink'
import type { ProgressUpdate } from '../../../../src-shared/temporal/contract'
import { txt2img } from '../../../integration/engine/prompts'

const P = 'p-1'

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }))
afterEach(() => vi.useRealTimers())

/** A reporter on a run that reports a sampler step every 100 ms for `minutes`; returns when each signal went. */
async function stepForMinutes(minutes: number): Promise<number[]> {
  const sent: number[] = []
  const progress = new RunProgress(txt2img({ steps: 10_000 }))
  const send = (_u: ProgressUpdate): Promise<void> => {
    sent.push(Date.now())
    return Promise.resolve()
  }
  const reporter = new ProgressReporter('run-1', 1, send, nullSink, progress)
  reporter.start()
  progress.apply({ type: 'execution_start', data: { prompt_id: P, timestamp: Date.now() } }, Date.now())
  progress.apply({ type: 'executing', data: { node: '3', prompt_id: P } }, Date.now())
  reporter.touched()
  for (let t = 0, step = 0; t < minutes * 60_000; t += 100) {
    progress.apply({ type: 'progress', data: { value: ++step, max: 10_000, prompt_id: P, node: '3' } }, Date.now())
    reporter.touched()
    await vi.advanceTimersByTimeAsync(100)
  }
  reporter.stop()
  return sent
}

describe('ProgressReporter', () => {
  it('signals step progress once a second in the first minute, then every 10 s', async () => {
    const start = Date.now()
    const sent = await stepForMinutes(5)
    const firstMinute = sent.filter((t) => t - start <= 60_000)
    const later = sent.filter((t) => t - start > 61_000)
    expect(firstMinute.length).toBeGreaterThanOrEqual(55)
    expect(firstMinute.length).toBeLessThanOrEqual(61)
    // 4 minutes at one signal per 10 s.
    expect(later.length).toBeGreaterThanOrEqual(22)
    expect(later.length).toBeLessThanOrEqual(25)
    const gaps = later.slice(1).map((t, i) => t - later[i]!)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(10_000)
  })

  it('keeps an hour-long run to a few hundred signals (its history replays quickly after a restart)', async () => {
    expect((await stepForMinutes(60)).length).toBeLessThan(500)
  })
})

describe('ProgressReporter live channel', () => {
  /** A reporter past its first signal (not urgent), on node 3 of a 20-step sampler. */
  function live(): { progress: RunProgress; reporter: ProgressReporter; sink: MemorySink } {
    const progress = new RunProgress(txt2img({ steps: 20 }))
    const sink = new MemorySink()
    const reporter = new ProgressReporter('run-1', 1, () => Promise.resolve(), sink, progress)
    progress.apply({ type: 'executing', data: { node: '3', prompt_id: P } }, Date.now())
    progress.urgent = false
    return { progress, reporter, sink }
  }
  const step = (progress: RunProgress, value: number): void =>
    progress.apply({ type: 'progress', data: { value, max: 20, prompt_id: P, node: '3' } }, Date.now())

  it('a burst inside one window sends the first state at once and the latest at the end of the window', async () => {
    const { progress, reporter, sink } = live()
    for (const value of [18, 19, 20]) {
      step(progress, value)
      reporter.touched()
      await vi.advanceTimersByTimeAsync(10)
    }
    expect(sink.progressEvents.map((e) => e.value)).toEqual([18])
    await vi.advanceTimersByTimeAsync(100)
    expect(sink.progressEvents.map((e) => e.value)).toEqual([18, 20])
    await vi.advanceTimersByTimeAsync(1_000)
    expect(sink.progressEvents).toHaveLength(2)
  })

  it('stopping sends a state still waiting for its window', async () => {
    const { progress, reporter, sink } = live()
    step(progress, 19)
    reporter.touched()
    step(progress, 20)
    reporter.touched()
    reporter.stop()
    expect(sink.progressEvents.map((e) => e.value)).toEqual([19, 20])
    await vi.advanceTimersByTimeAsync(1_000)
    expect(sink.progressEvents).toHaveLength(2)
  })

  it('holds steps to the window while the workflow still waits for its first signal', async () => {
    // A run younger than the first signal's gap: `progress.urgent` is still set from its node change.
    const progress = new RunProgress(txt2img({ steps: 20 }))
    const sink = new MemorySink()
    const reporter = new ProgressReporter('run-1', 1, () => Promise.resolve(), sink, progress)
    reporter.start()
    progress.apply({ type: 'executing', data: { node: '3', prompt_id: P } }, Date.now())
    reporter.touched()
    for (const value of [1, 2, 3]) {
      step(progress, value)
      reporter.touched()
      await vi.advanceTimersByTimeAsync(10)
    }
    expect(progress.urgent).toBe(true)
    expect(sink.progressEvents.map((e) => e.value)).toEqual([null])
    // A node's end is news: it goes out at once, inside the window.
    progress.apply({ type: 'executed', data: { node: '3', output: null, prompt_id: P } }, Date.now())
    reporter.touched()
    expect(sink.progressEvents.map((e) => [e.nodeId, e.nodeState])).toEqual([
      ['3', 'running'],
      ['3', 'done'],
    ])
    reporter.stop()
  })
})
