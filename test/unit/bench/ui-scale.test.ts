/**
 * bench/ui-scale.ts: its frame arithmetic, and its strict flags. The bench's figures themselves are
 * never asserted here (speed targets are benchmarks, not tests).
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { frameStat } from '../../../bench/lib/frame-stats'

const ROOT = join(__dirname, '..', '..', '..')

describe('ui-scale frame statistics', () => {
  it('a smooth 60 Hz recording with timestamp jitter is 60 fps with no late frame', () => {
    const deltas = Array.from({ length: 300 }, (_, i) => 1000 / 60 + [0.3, 0, -0.3][i % 3]!)
    const s = frameStat('Runs', deltas, 10)
    expect(s.medianFps).toBeCloseTo(60, 0)
    expect(s.over16ms).toBe(0)
    expect(s.over33ms).toBe(0)
    expect(s.frames).toBe(300)
  })

  it('counts late and dropped frames separately, and a janky median shows in the fps', () => {
    // 6 frames of 16.7 ms, 2 late (25 ms), 2 dropping a frame (50 ms): median 16.7 ms.
    const deltas = [16.7, 16.7, 16.7, 16.7, 16.7, 16.7, 25, 25, 50, 50]
    const s = frameStat('Run detail', deltas, 0)
    expect(s.over16ms).toBeCloseTo(0.4)
    expect(s.over33ms).toBeCloseTo(0.2)
    expect(frameStat('x', [33.4, 33.4, 33.4], 0).medianFps).toBeCloseTo(29.9, 1)
  })

  it('refuses an empty recording instead of reporting a frame rate', () => {
    expect(() => frameStat('Runs', [], 0)).toThrow(/no animation frame was recorded on Runs/)
  })
})

describe('ui-scale command line', () => {
  it('exits 2 naming a misspelled flag, before it seeds or starts anything', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/ui-scale.ts', '--swithces', '3'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('unknown option --swithces')
  })
})
