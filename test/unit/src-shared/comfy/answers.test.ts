import { describe, expect, it } from 'vitest'
import {
  ComfyProtocolError,
  parseCapabilities,
  parseQueueRemaining,
  parseSystemStats,
} from '../../../../src-shared/comfy'
import { objectInfo } from '../../../../sim'

describe('parseCapabilities', () => {
  it('reads node classes and model combos from the simulator catalog', () => {
    const info = objectInfo({ checkpoints: ['a.safetensors', 'b.safetensors'], loras: ['l.safetensors'] })
    const caps = parseCapabilities(info, 123)
    expect(caps.fetchedAt).toBe(123)
    expect(caps.nodeClasses).toContain('KSampler')
    expect(caps.nodeClasses).toContain('SaveImage')
    expect(caps.nodeClasses).toEqual([...caps.nodeClasses].sort())
    expect(caps.enums['CheckpointLoaderSimple.ckpt_name']).toEqual(['a.safetensors', 'b.safetensors'])
    expect(caps.enums['LoraLoader.lora_name']).toEqual(['l.safetensors'])
    expect(caps.enums['KSampler.sampler_name']).toContain('euler')
    expect(caps.enums['KSampler.seed']).toBeUndefined()
  })

  it('reads V3 COMBO inputs and optional sections', () => {
    const caps = parseCapabilities(
      {
        NewNode: {
          input: {
            required: { mode: ['COMBO', { options: ['a', 'b'] }], n: ['INT', { default: 1 }] },
            optional: { extra: [['x', 'y']] },
          },
        },
      },
      1
    )
    expect(caps.enums).toEqual({ 'NewNode.mode': ['a', 'b'], 'NewNode.extra': ['x', 'y'] })
  })

  it('rejects what is not an object_info answer', () => {
    expect(() => parseCapabilities([], 1)).toThrow(ComfyProtocolError)
    expect(() => parseCapabilities('html', 1)).toThrow(/not an object of node classes/)
  })
})

describe('parseSystemStats and parseQueueRemaining', () => {
  it('reads device, version and argv', () => {
    const stats = parseSystemStats({
      system: { comfyui_version: '0.3.64', argv: ['main.py', '--listen'] },
      devices: [{ name: 'cuda:0 RTX', type: 'cuda', vram_total: 10, vram_free: 4 }],
    })
    expect(stats).toEqual({
      device: { name: 'cuda:0 RTX', type: 'cuda', vramTotal: 10, vramFree: 4 },
      comfyuiVersion: '0.3.64',
      argv: ['main.py', '--listen'],
    })
    expect(parseSystemStats({ system: {}, devices: [] })).toEqual({ device: null, comfyuiVersion: null, argv: [] })
  })

  it('says when an answer is not ComfyUI', () => {
    expect(() => parseSystemStats({ hello: 'world' })).toThrow(/is this a ComfyUI server/)
    expect(parseQueueRemaining({ exec_info: { queue_remaining: 3 } })).toBe(3)
    expect(() => parseQueueRemaining({})).toThrow(/queue_remaining/)
  })
})
