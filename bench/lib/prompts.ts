/** The graph every benchmark runs: the simulator's sample txt2img, with files prefixed "bench". */
import type { ApiPrompt } from '../../src-shared/contract/runs'
import { SAMPLE_CHECKPOINT, txt2img as sample } from '../../sim/samples/txt2img'

export const CHECKPOINT = SAMPLE_CHECKPOINT

/** A text-to-image prompt; `steps` sets the simulated work (steps × stepMs / speed). */
export function txt2img(o: { steps?: number; seed?: number; prefix?: string } = {}): ApiPrompt {
  return sample({ ...o, prefix: o.prefix ?? 'bench' })
}
