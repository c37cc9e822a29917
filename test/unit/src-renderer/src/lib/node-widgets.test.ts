import { describe, expect, test } from 'vitest'
import { nodeWidgets } from '../../../../../src-renderer/src/lib/node-widgets'

describe('nodeWidgets', () => {
  test('literal inputs as name: value (seed and steps first, as in ComfyUI), links left to the edges, the rest counted', () => {
    const lines = nodeWidgets({
      class_type: 'KSampler',
      inputs: {
        cfg: 8,
        denoise: 1,
        model: ['4', 0],
        sampler_name: 'euler',
        scheduler: 'normal',
        seed: 5,
        steps: 20,
      },
    })
    expect(lines).toEqual(['seed: 5', 'steps: 20', 'cfg: 8', 'sampler_name: euler', '+2 more'])
    const text = nodeWidgets({ class_type: 'CLIPTextEncode', inputs: { text: 'a '.repeat(40), clip: ['4', 1] } })
    expect(text[0]!.length).toBeLessThanOrEqual('text: '.length + 38)
    expect(text[0]!.endsWith('…')).toBe(true)
  })
})
