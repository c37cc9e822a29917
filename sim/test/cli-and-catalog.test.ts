import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseArgs, parseFaultSpec } from '../cli'
import { parseFaults } from '../net/control-routes'
import { noFaults } from '../types'
import { CORE_NODES, NODE_CATALOG, objectInfo } from '../index'

describe('sim CLI arguments', () => {
  it('parses servers, ports, speeds, timings, previews and faults', () => {
    const o = parseArgs([
      '--servers',
      '4',
      '--base-port',
      '8188',
      '--speeds',
      '1,1,0.5,2',
      '--step-ms',
      '5',
      '--previews',
      '--uuid-prompt-ids',
      '--fault',
      '1:hang',
      '--fault',
      'all:slow=250',
      '--enable-cors-header',
    ])
    expect(o).toMatchObject({
      servers: 4,
      basePort: 8188,
      speeds: [1, 1, 0.5, 2],
      timing: { stepMs: 5 },
      previews: true,
      uuidPromptIds: true,
      cors: '*',
      faults: [
        { target: 1, fault: { hang: true } },
        { target: 'all', fault: { slowMs: 250 } },
      ],
    })
    expect(parseArgs(['--help'])).toBe('help')
  })

  it('parses error faults by class type or node id', () => {
    expect(parseFaultSpec('0:error=KSampler:torch.OutOfMemoryError')).toEqual({
      target: 0,
      fault: {
        errorAtNode: {
          classType: 'KSampler',
          exceptionType: 'torch.OutOfMemoryError',
          message: 'Allocation on device ',
        },
      },
    })
    expect(parseFaultSpec('2:error=#9:RuntimeError:disk: full')).toEqual({
      target: 2,
      fault: { errorAtNode: { nodeId: '9', exceptionType: 'RuntimeError', message: 'disk: full' } },
    })
    expect(parseFaultSpec('all:refuse')).toEqual({ target: 'all', fault: { refusePrompt: true } })
  })

  it('names what is wrong in bad input', () => {
    expect(() => parseArgs(['--servers', '0'])).toThrow('--servers needs a number >= 1, got "0"')
    expect(() => parseArgs(['--speeds', '1,fast'])).toThrow('--speeds needs a number')
    expect(() => parseArgs(['--what'])).toThrow('unknown option --what')
    expect(() => parseFaultSpec('hang')).toThrow('expected <server|all>:<fault>')
    expect(() => parseFaultSpec('0:explode')).toThrow('unknown fault "explode"')
  })

  it("checks fault JSON (POST /__sim/faults) by each fault's default: every fault is known, each of its kind", () => {
    // As the control route receives it: parsed JSON.
    const all = JSON.parse(JSON.stringify(noFaults())) as Record<string, unknown>
    expect(parseFaults(all)).toEqual(noFaults())
    expect(parseFaults({ outputPadBytes: 1024, spoofHistory: true })).toEqual({
      outputPadBytes: 1024,
      spoofHistory: true,
    })
    expect(() => parseFaults({ forgetHistory: 1 })).toThrow('fault "forgetHistory" must be a boolean')
    expect(() => parseFaults({ outputPadBytes: -1 })).toThrow('fault "outputPadBytes" must be a number >= 0')
    expect(() => parseFaults({ hang: 'yes' })).toThrow('fault "hang" must be a boolean')
    expect(() => parseFaults({ errorAtNode: { message: 'x' } })).toThrow('needs exceptionType and message')
    expect(() => parseFaults({ toString: true })).toThrow(/unknown fault "toString" \(known: hang, .*outputPadBytes\)/)
  })

  it('exits 2 naming a misspelled flag (npm run sim -- --sevrers 2), before starting any server', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'cli.ts'), '--sevrers', '2'], {
      encoding: 'utf8',
      timeout: 15_000,
    })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('unknown option --sevrers')
    expect(r.stdout).not.toContain('ready')
  })
})

describe('node catalog as data', () => {
  it('covers the core nodes of SD/SDXL/Flux txt2img, img2img, upscale, LoRA and ControlNet workflows', () => {
    for (const name of [
      'CheckpointLoaderSimple',
      'CLIPTextEncode',
      'KSampler',
      'KSamplerAdvanced',
      'EmptyLatentImage',
      'VAEDecode',
      'VAEEncode',
      'SaveImage',
      'PreviewImage',
      'LoadImage',
      'LoraLoader',
      'ImageScale',
      'LatentUpscale',
      'ControlNetLoader',
      'ControlNetApply',
      'ControlNetApplyAdvanced',
      'UpscaleModelLoader',
      'ImageUpscaleWithModel',
      'CLIPSetLastLayer',
      'ConditioningCombine',
      'EmptyImage',
      'ImageInvert',
      'UNETLoader',
      'DualCLIPLoader',
      'VAELoader',
      'EmptySD3LatentImage',
      'FluxGuidance',
      'ConditioningZeroOut',
      'SamplerCustomAdvanced',
    ]) {
      expect(NODE_CATALOG.has(name), name).toBe(true)
    }
    expect(CORE_NODES.every((n) => (n.pythonModule ?? 'nodes') === 'nodes')).toBe(true)
  })

  it('objectInfo(models) is what a client parses from /object_info, with per-server model lists', () => {
    const a = objectInfo({ checkpoints: ['a.safetensors'], loras: [] })
    const b = objectInfo({ checkpoints: ['b.safetensors'], unet: ['flux.safetensors'] })
    expect(a.CheckpointLoaderSimple?.input.required?.ckpt_name?.[0]).toEqual(['a.safetensors'])
    expect(b.CheckpointLoaderSimple?.input.required?.ckpt_name?.[0]).toEqual(['b.safetensors'])
    expect(b.UNETLoader?.input.required?.unet_name?.[0]).toEqual(['flux.safetensors'])
    expect(a.LoraLoader?.input.required?.lora_name?.[0]).toEqual([])
    expect(a.KSampler?.input.required?.seed).toEqual([
      'INT',
      {
        default: 0,
        min: 0,
        max: Number('18446744073709551615'), // what JSON.parse makes of Python's 0xffffffffffffffff
        control_after_generate: true,
        tooltip: 'The random seed used for creating the noise.',
      },
    ])
    expect(a.SaveImage?.input_order).toEqual({
      required: ['images', 'filename_prefix'],
      hidden: ['prompt', 'extra_pnginfo'],
    })
    expect(a.ControlNetApplyAdvanced?.output_name).toEqual(['positive', 'negative'])
    expect(a.ImageUpscaleWithModel?.python_module).toBe('comfy_extras.nodes_upscale_model')
    expect(a.SaveImage?.output_node).toBe(true)
  })
})
