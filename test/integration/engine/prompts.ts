import type { ApiPrompt } from '../../../src-shared/contract/runs'
import { txt2img as sample } from '../../../sim/samples/txt2img'

/** The simulator's sample txt2img graph, with files prefixed "fleet". */
export function txt2img(options: { steps?: number; seed?: number; prefix?: string; ckpt?: string } = {}): ApiPrompt {
  return sample({ ...options, prefix: options.prefix ?? 'fleet' })
}
