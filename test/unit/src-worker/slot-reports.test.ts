import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import type { SlotUsage } from '../../../src-shared/contract/worker-protocol'
import { REPORT_GAP_MS, SlotReports } from '../../../src-worker/slot-reports'

const usageOf = (inUse: number): SlotUsage[] => [{ serverId: 's1', inUse, runIds: [], rate: null }]

describe('SlotReports', () => {
  beforeEach(() => void vi.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] }))
  afterEach(() => void vi.useRealTimers())

  test('the first change goes out at once; a burst after it goes out once, with the state at the end of the window', () => {
    let inUse = 0
    const sent: SlotUsage[][] = []
    const reports = new SlotReports(
      () => usageOf(inUse),
      (u) => sent.push(u)
    )
    inUse = 1
    reports.changed()
    expect(sent).toEqual([usageOf(1)])
    for (const n of [2, 1, 0]) {
      vi.advanceTimersByTime(10)
      inUse = n
      reports.changed()
    }
    expect(sent).toHaveLength(1)
    vi.advanceTimersByTime(REPORT_GAP_MS)
    expect(sent).toEqual([usageOf(1), usageOf(0)])
    vi.advanceTimersByTime(REPORT_GAP_MS * 5)
    inUse = 2
    reports.changed()
    expect(sent).toEqual([usageOf(1), usageOf(0), usageOf(2)])
  })

  test('stop() drops a report still waiting for its window', () => {
    const sent: SlotUsage[][] = []
    const reports = new SlotReports(
      () => usageOf(1),
      (u) => sent.push(u)
    )
    reports.changed()
    reports.changed()
    reports.stop()
    vi.advanceTimersByTime(REPORT_GAP_MS * 2)
    expect(sent).toHaveLength(1)
  })
})
