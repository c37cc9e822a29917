import { describe, expect, it } from 'vitest'
import { ganttSvg } from '../../../../bench/scheduling/gantt'
import {
  delivered,
  longestRunsBound,
  lowerBound,
  perCardLoadsBound,
  timeToCover,
} from '../../../../bench/scheduling/lower-bound'

describe('the scheduling bench lower bound', () => {
  it('covers the work with the capacity of the GPUs present, through a death and a join', () => {
    // Speeds 1 + 1 until 1000 ms, then 1 alone, then 1 + 2 from 2000 ms: 2000 + 1000 units by 2000 ms,
    // the last 1500 units at speed 3 take 500 ms more.
    const presences = [
      { speed: 1, from: 0, until: Infinity },
      { speed: 1, from: 0, until: 1000 },
      { speed: 2, from: 2000, until: Infinity },
    ]
    expect(timeToCover(4500, presences)).toBe(2500)
    expect(timeToCover(1000, presences)).toBe(500)
  })

  it('is at least the longest run on the fastest GPU able to run it, with its model load', () => {
    const bound = lowerBound({
      runs: [
        { work: 100, models: ['a'] },
        { work: 100, models: ['a'] },
        { work: 4000, models: ['b'] },
      ],
      presences: [
        { speed: 1, from: 0, until: Infinity },
        { speed: 4, from: 0, until: Infinity },
      ],
      preloaded: new Set(['a']),
      loadMs: (m) => (m === 'b' ? 1000 : 500),
      // Only the speed-1 GPU has model b: (4000 + 1000) / 1.
      capableSpeeds: (models) => (models.includes('b') ? [1] : [1, 4]),
    })
    expect(bound).toBe(5000)
  })

  it('places the few longest runs whole: two long runs share the fast GPU or one runs on a slow one', () => {
    // S2's case: 502 and 399 units on GPUs of speed 1, 1, 0.5, 2. Both on the speed-2 GPU: 901 / 2 = 450.5;
    // 502 there and 399 at speed 1: max(251, 399) = 399; the other way round: 502. The short run changes
    // nothing (it fits beside them).
    const runs = [
      { work: 502, models: [] },
      { work: 399, models: [] },
      { work: 30, models: [] },
    ]
    const all = (): number[] => [0, 1, 2, 3]
    expect(
      longestRunsBound(runs, { speeds: [1, 1, 0.5, 2], capable: all, loadMs: () => 0, preloaded: new Set() })
    ).toBe(399)
  })

  it('pays a model load once per GPU among the longest runs', () => {
    // Two runs of model m (100 units each, load 50) on one GPU of speed 1 able to run them: 50 + 200.
    const runs = [
      { work: 100, models: ['m'] },
      { work: 100, models: ['m'] },
    ]
    const oneGpu = (preloaded: string[]): number =>
      longestRunsBound(runs, { speeds: [1], capable: () => [0], loadMs: () => 50, preloaded: new Set(preloaded) })
    expect(oneGpu([])).toBe(250)
    expect(oneGpu(['m'])).toBe(200)
  })

  it('pays a load on every GPU that serves a model it did not hold', () => {
    // Two GPUs of speed 1 holding A; B loads in 100 ms. 200 units of A, two runs of 100 of B. The issue's bound loads B
    // once for the farm: (400 + 100) / 2 = 250. But the GPUs serving B load it each: one of them alone ends
    // B no sooner than 100 + 200 = 300, both load it and share everything by (400 + 2 × 100) / 2 = 300.
    const runs = [
      { work: 200, models: ['A'] },
      { work: 100, models: ['B'] },
      { work: 100, models: ['B'] },
    ]
    const loadMs = (m: string): number => (m === 'B' ? 100 : 0)
    const both = (): number[] => [0, 1]
    const issue = lowerBound({
      runs,
      presences: [0, 1].map(() => ({ speed: 1, from: 0, until: Infinity })),
      preloaded: new Set(['A']),
      loadMs,
      capableSpeeds: () => [1, 1],
    })
    expect(issue).toBe(250)
    expect(perCardLoadsBound(runs, { speeds: [1, 1], capable: both, loadMs, preloaded: new Set(['A']) })).toBeCloseTo(
      300
    )
    // With B on the second GPU only (capability), it must load there: 300 too; A shared: (400 + 100) / 2.
    expect(
      perCardLoadsBound(runs, {
        speeds: [1, 1],
        capable: (m) => (m.includes('B') ? [1] : [0, 1]),
        loadMs,
        preloaded: new Set(['A']),
      })
    ).toBeCloseTo(300)
    // Nothing to load: the work shared, 200.
    expect(
      perCardLoadsBound(runs, { speeds: [1, 1], capable: both, loadMs, preloaded: new Set(['A', 'B']) })
    ).toBeCloseTo(200)
  })

  it('counts the work the simulator delivered: busy time less loads, times the speed, after t0 only', () => {
    const runs = delivered(
      [
        { promptId: 'old', start: 0, end: 50, status: 'success', models: ['a'], loads: [] },
        {
          promptId: 'p',
          start: 100,
          end: 400,
          status: 'success',
          models: ['a'],
          loads: [{ model: 'a', at: 100, ms: 100 }],
        },
        { promptId: 'x', start: 400, end: 450, status: 'interrupted', models: ['a'], loads: [] },
      ],
      2,
      100
    )
    expect(runs).toEqual([{ work: 400, models: ['a'] }])
  })
})

describe('the Gantt chart', () => {
  it('draws a lane per GPU, a bar per run coloured by model, hatched loads and the events', () => {
    const svg = ganttSvg(
      {
        title: 'S3 model swaps: ComfyFleet',
        makespanMs: 1000,
        lowerBoundMs: 800,
        events: [{ label: 'gpu-1 died', at: 300 }],
        lanes: [
          { name: 'gpu-0', speed: 1, spans: [{ start: 0, end: 500, model: 'a', loadMs: 100 }] },
          { name: 'gpu-1', speed: 2, spans: [{ start: 0, end: 300, model: 'b', loadMs: 0 }] },
        ],
      },
      ['a', 'b']
    )
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('gpu-1 (×2)')
    expect(svg.match(/fill="url\(#load\)"/g)).toHaveLength(1)
    expect(svg).toContain('fill="#4e79a7"')
    expect(svg).toContain('fill="#f28e2b"')
    expect(svg).toContain('gpu-1 died')
  })
})
