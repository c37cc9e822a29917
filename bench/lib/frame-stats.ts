/** What a recording of animation frames says: the median frame rate and how many frames were late. */
import { median } from './report'

/** One frame at 60 Hz. */
export const FRAME_MS = 1000 / 60
/**
 * Frame timestamps jitter by a fraction of a millisecond around 16.67 ms with no frame late: without
 * this slack a smooth recording would count many frames "over 16.7 ms".
 */
const JITTER_MS = 0.5

export interface FrameStat {
  screen: string
  medianFps: number
  /** Share (0..1) of frames longer than one 60 Hz frame: late. */
  over16ms: number
  /** Share (0..1) of frames longer than two: at least one frame visibly dropped. */
  over33ms: number
  frames: number
  mutations: number
}

export function frameStat(screen: string, deltas: number[], mutations: number): FrameStat {
  if (deltas.length === 0) throw new Error(`no animation frame was recorded on ${screen}`)
  const share = (ms: number): number => deltas.filter((d) => d > ms).length / deltas.length
  return {
    screen,
    medianFps: 1000 / median(deltas),
    over16ms: share(FRAME_MS + JITTER_MS),
    over33ms: share(2 * FRAME_MS + JITTER_MS),
    frames: deltas.length,
    mutations,
  }
}
