import { describe, expect, it } from 'vitest'
import { intakeFile } from '../../../../src-main/intake'
import type { IntakeOptions, ObjectInfo, ObjectInfoNode } from '../../../../src-shared/contract/intake'
import type { ApiNode, ApiPrompt } from '../../../../src-shared/contract/runs'
import {
  coreObjectInfo,
  expectErr,
  expectOk,
  fixtureBytes,
  jsonBytes,
  options,
  workflowFixture,
} from '../../../helpers/intake-fixtures'

function convert(name: string, info: ObjectInfo = coreObjectInfo()) {
  return expectOk(intakeFile({ name, bytes: fixtureBytes(name) }, { objectInfo: info }))
}

/** A UI workflow built in the test, converted (with the core /object_info unless told otherwise). */
function convertWorkflow(wf: unknown, opts: IntakeOptions = options()) {
  return expectOk(intakeFile({ name: 'x.json', bytes: jsonBytes(wf) }, opts))
}

/** The default workflow's fixture, with its nodes and links typed loosely for a test to edit. */
function defaultGraph() {
  const wf = workflowFixture('default-graph.json')
  return { wf, nodes: wf.nodes as Array<Record<string, unknown>>, links: wf.links as unknown[][] }
}

/** A UI-format node (mode 0 runs, 4 is bypassed) with its input and output slots and widget values. */
function uiNode(
  id: number,
  type: string,
  slots: { inputs?: unknown[]; outputs: unknown[] },
  widgets_values: unknown[],
  mode = 0
): Record<string, unknown> {
  return { id, type, mode, ...(slots.inputs ? { inputs: slots.inputs } : {}), outputs: slots.outputs, widgets_values }
}

/** An API node as the conversion writes it: inputs, class_type, and the title in _meta. */
function apiNode(class_type: string, title: string, inputs: Record<string, unknown>): ApiNode {
  return { inputs, class_type, _meta: { title } }
}

type Sampling = { seed: number; steps: number; cfg: number; sampler_name: string; scheduler: string }

/**
 * The tail of a txt2img prompt: KSampler (node `ids.sampler`) fed by the checkpoint, the two prompts and
 * the latent, then VAEDecode and SaveImage with `prefix`.
 */
function samplingTail(
  ids: {
    ckpt: string
    positive: string
    negative: string
    latent: string
    sampler: string
    decode: string
    save: string
  },
  sampling: Sampling,
  prefix: string
): ApiPrompt {
  const sampler = {
    ...{ ...sampling, denoise: 1, model: [ids.ckpt, 0], positive: [ids.positive, 0], negative: [ids.negative, 0] },
    latent_image: [ids.latent, 0],
  }
  return {
    [ids.sampler]: apiNode('KSampler', 'KSampler', sampler),
    [ids.decode]: apiNode('VAEDecode', 'VAE Decode', { samples: [ids.sampler, 0], vae: [ids.ckpt, 2] }),
    [ids.save]: apiNode('SaveImage', 'Save Image', { filename_prefix: prefix, images: [ids.decode, 0] }),
  }
}

/** An /object_info entry for an output node whose inputs are `required` then `optional`, in that order. */
function outputNodeInfo(
  name: string,
  required: NonNullable<ObjectInfoNode['input']['required']>,
  optional?: NonNullable<ObjectInfoNode['input']['optional']>
): ObjectInfoNode {
  return {
    input: { required, ...(optional ? { optional } : {}) },
    input_order: { required: Object.keys(required), ...(optional ? { optional: Object.keys(optional) } : {}) },
    output: [],
    name,
    output_node: true,
  }
}

/** The default workflow converted with two servers' /object_info: `small` lacks KSampler, `big` has every node. */
function convertForSmallAndBig(preferred: 'none' | 'small') {
  const full = coreObjectInfo()
  const partial: ObjectInfo = { ...full }
  delete partial.KSampler
  const bytes = fixtureBytes('default-graph.json')
  const objectInfo = preferred === 'small' ? partial : null
  return expectOk(
    intakeFile({ name: 'default-graph.json', bytes }, { objectInfo, objectInfoByServer: { small: partial, big: full } })
  )
}

describe('UI → API conversion of real workflows', () => {
  it("converts ComfyUI's default workflow to the prompt graphToPrompt produces", () => {
    const result = convert('default-graph.json')
    expect(result.kind).toBe('ui')
    expect(result.source).toBe('workflow')
    const expected: ApiPrompt = {
      '7': apiNode('CLIPTextEncode', 'CLIP Text Encode (Prompt)', { text: 'text, watermark', clip: ['4', 1] }),
      '6': apiNode('CLIPTextEncode', 'CLIP Text Encode (Prompt)', {
        text: 'beautiful scenery nature glass bottle landscape, , purple galaxy bottle,',
        clip: ['4', 1],
      }),
      '5': apiNode('EmptyLatentImage', 'Empty Latent Image', { width: 512, height: 512, batch_size: 1 }),
      // widgets_values [seed, control, steps, cfg, sampler, scheduler, denoise]: the control value is skipped.
      ...samplingTail(
        { ckpt: '4', positive: '6', negative: '7', latent: '5', sampler: '3', decode: '8', save: '9' },
        { seed: 156680208700286, steps: 20, cfg: 8, sampler_name: 'euler', scheduler: 'normal' },
        'ComfyUI'
      ),
      '4': apiNode('CheckpointLoaderSimple', 'Load Checkpoint', { ckpt_name: 'v1-5-pruned-emaonly.ckpt' }),
    }
    expect(result.prompt).toEqual(expected)
    expect(Object.keys(result.prompt['3']!.inputs)).toEqual([
      'seed',
      'steps',
      'cfg',
      'sampler_name',
      'scheduler',
      'denoise',
      'model',
      'positive',
      'negative',
      'latent_image',
    ])
    // The default graph's SaveImage stores no widgets_values; the default prefix fills it, with a warning.
    expect(result.warnings.join(' ')).toMatch(/Node 9 \(SaveImage\).*filename_prefix/)
    expect(result.workflow).toEqual(workflowFixture('default-graph.json'))
  })

  it("has the same shape as ComfyUI's documented API prompt for the default workflow", () => {
    const ours = convert('default-graph.json').prompt
    const theirs = workflowFixture('basic-api-example.api.json') as ApiPrompt
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort())
    // basic_api_example.py edited the texts, seed and checkpoint; everything else must match exactly.
    const edited = new Set(['text', 'seed', 'ckpt_name'])
    for (const [id, node] of Object.entries(theirs)) {
      expect(ours[id]!.class_type).toBe(node.class_type)
      expect(Object.keys(ours[id]!.inputs).sort()).toEqual(Object.keys(node.inputs).sort())
      for (const [name, value] of Object.entries(node.inputs)) {
        if (!edited.has(name)) expect(ours[id]!.inputs[name]).toEqual(value)
      }
    }
  })

  it('maps LoadImage without its trailing upload-widget value (img2img example)', () => {
    const { prompt } = convert('comfyui-examples-img2img.json')
    expect(prompt['18']).toEqual(apiNode('LoadImage', 'Load Image', { image: 'example.png' }))
    expect(prompt['16']!.inputs).toMatchObject({ seed: 881719264574257, steps: 20, scheduler: 'simple', denoise: 1 })
    expect(prompt['17']!.inputs).toEqual({ pixels: ['18', 0], vae: ['13', 2] })
  })

  it('converts the inpaint example (LoadImage MASK output, VAEEncodeForInpaint widget)', () => {
    const { prompt } = convert('comfyui-examples-inpaint.json')
    expect(prompt['26']!.inputs).toEqual({ grow_mask_by: 6, pixels: ['27', 0], vae: ['22', 2], mask: ['27', 1] })
    expect(Object.keys(prompt)).toHaveLength(8)
  })

  it('converts a legacy LoRA + upscale workflow with two outputs', () => {
    const { prompt } = convert('legacy-lora-upscale.json')
    expect(prompt['10']).toEqual(
      apiNode('LoraLoader', 'Load LoRA', {
        ...{ lora_name: 'makima.safetensors', strength_model: 1, strength_clip: 2 },
        ...{ model: ['4', 0], clip: ['4', 1] },
      })
    )
    expect(prompt['3']!.inputs).toMatchObject({
      seed: 505070388939866,
      steps: 30,
      cfg: 9,
      sampler_name: 'dpmpp_sde',
      model: ['10', 0],
    })
    expect(prompt['12']!.inputs).toEqual({ upscale_model: ['11', 0], image: ['8', 0] })
    expect(prompt['11']!.inputs).toEqual({ model_name: 'RealESRGAN_x2plus.pth' })
    expect(Object.keys(prompt).sort()).toEqual(['10', '11', '12', '14', '3', '4', '5', '6', '7', '8', '9'])
  })

  it('removes a Reroute node and wires its target to the real origin (frontend 1.24 file)', () => {
    const { prompt } = convert('frontend-reroute-two-nodes.json')
    expect(prompt).toEqual({
      '1': apiNode('LoadImage', 'Load Image', { image: 'clean.png' }),
      '3': apiNode('PreviewImage', 'Preview Image', { images: ['1', 0] }),
    })
  })
})

describe('UI → API conversion rules', () => {
  it('handles schema 1: bypass, mute, reroutes, primitives, notes, unused nodes', () => {
    const result = convert('constructed-v1-bypass-primitive.json')
    expect(result.prompt).toEqual({
      '1': apiNode('CheckpointLoaderSimple', 'Load Checkpoint', { ckpt_name: 'v1-5-pruned-emaonly.safetensors' }),
      // The bypassed LoRA hands each output to its input of the same type: CLIP → the loader's CLIP.
      '3': apiNode('CLIPTextEncode', 'Positive', { text: 'a cat in a spacesuit', clip: ['1', 1] }),
      '4': apiNode('CLIPTextEncode', 'Negative', { text: 'blurry, lowres', clip: ['1', 1] }),
      '5': apiNode('EmptyLatentImage', 'Empty Latent Image', { width: 512, height: 768, batch_size: 1 }),
      // MODEL comes through the Reroute and the bypassed LoRA; the seed from the PrimitiveNode.
      ...samplingTail(
        { ckpt: '1', positive: '3', negative: '4', latent: '5', sampler: '6', decode: '8', save: '9' },
        { seed: 424242, steps: 25, cfg: 6.5, sampler_name: 'dpmpp_2m', scheduler: 'karras' },
        'fleet'
      ),
    })
    expect(result.warnings.join(' ')).toMatch(/feed no output were left out: 15/)
  })

  it('expands subgraphs with colon ids and promoted widget values', () => {
    const { prompt } = convert('constructed-subgraph.json')
    expect(prompt['20:1']).toEqual(
      apiNode('CLIPTextEncode', 'CLIP Text Encode (Prompt)', { text: 'a lighthouse at dusk', clip: ['1', 1] })
    )
    expect(prompt['20:2']!.inputs).toEqual({ text: 'ugly', clip: ['1', 1] })
    expect(prompt['6']!.inputs).toMatchObject({ positive: ['20:1', 0], negative: ['20:2', 0], seed: 7 })
    expect(prompt['20']).toBeUndefined()
  })

  it('applies widgets promoted onto a subgraph instance through properties.proxyWidgets', () => {
    const wf = workflowFixture('constructed-subgraph.json')
    const instance = (wf.nodes as Array<Record<string, unknown>>).find((n) => n.id === 20)!
    instance.inputs = [{ name: 'clip', type: 'CLIP', link: 30 }]
    instance.properties = { proxyWidgets: [['2', 'text']] }
    instance.widgets_values = ['promoted negative']
    // Without a "text" subgraph input, the inner encoder keeps its own widget value.
    const def = ((wf.definitions as Record<string, unknown>).subgraphs as Array<Record<string, unknown>>)[0]!
    def.links = (def.links as Array<{ id: number }>).filter((l) => l.id !== 102)
    const inner = (def.nodes as Array<{ id: number; inputs: Array<{ link: number | null }> }>).find((n) => n.id === 1)!
    inner.inputs[1]!.link = null
    const result = convertWorkflow(wf)
    expect(result.prompt['20:2']!.inputs.text).toBe('promoted negative')
    expect(result.prompt['20:1']!.inputs.text).toBe('inner value replaced by the promoted widget')
  })

  it('drops an input whose only source is a muted node, like graphToPrompt', () => {
    const { wf, nodes } = defaultGraph()
    nodes.find((n) => n.id === 7)!.mode = 2
    const result = convertWorkflow(wf)
    expect(result.prompt['7']).toBeUndefined()
    expect(result.prompt['3']!.inputs.negative).toBeUndefined()
  })

  it('passes a bypassed node through the input matching the target type, not the slot index', () => {
    // A bypassed LatentUpscale between KSampler and VAEDecode: LATENT passes through its "samples" input.
    const { wf, nodes, links } = defaultGraph()
    const slots = {
      inputs: [{ name: 'samples', type: 'LATENT', link: 7 }],
      outputs: [{ name: 'LATENT', type: 'LATENT', links: [21] }],
    }
    nodes.push(uiNode(20, 'LatentUpscale', slots, ['nearest-exact', 1024, 1024, 'disabled'], 4))
    links.find((l) => l[0] === 7)!.splice(3, 2, 20, 0)
    links.push([21, 20, 0, 8, 0, 'LATENT'])
    nodes.find((n) => n.id === 8)!.inputs = [
      { name: 'samples', type: 'LATENT', link: 21 },
      { name: 'vae', type: 'VAE', link: 8 },
    ]
    const result = convertWorkflow(wf)
    expect(result.prompt['20']).toBeUndefined()
    expect(result.prompt['8']!.inputs.samples).toEqual(['3', 0])
  })

  it('takes the link for a widget converted to an input, ignoring its stale value', () => {
    const { wf, nodes, links } = defaultGraph()
    const slots = {
      inputs: [{ name: 'clip', type: 'CLIP', link: 5 }],
      outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING', links: [] }],
    }
    nodes.push(uiNode(30, 'CLIPTextEncode', slots, ['unused']))
    // Old-style converted widget: the input carries `widget`, widgets_values keeps the stale 512.
    const latent = nodes.find((n) => n.id === 5)!
    latent.inputs = [{ name: 'width', type: 'INT', link: 40, widget: { name: 'width' } }]
    nodes.push(uiNode(31, 'EmptyImage', { outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [] }] }, [8, 8, 1, 0]))
    links.push([40, 31, 0, 5, 0, 'INT'])
    const result = convertWorkflow(wf)
    expect(result.prompt['5']!.inputs.width).toEqual(['31', 0])
    expect(result.prompt['5']!.inputs.height).toBe(512)
  })

  it('gives forceInput inputs no widget slot and adds control values after control_after_generate inputs', () => {
    const info = coreObjectInfo()
    info.Custom = outputNodeInfo(
      'Custom',
      {
        a: ['INT', { forceInput: true }],
        pick: [['x', 'y'], { control_after_generate: true }],
        b: ['FLOAT', {}],
        images: ['IMAGE'],
      },
      { note: ['STRING', {}] }
    )
    const wf = {
      nodes: [
        // A combo's control is followed by its filter list (''), as addValueControlWidgets adds both.
        { id: 1, type: 'Custom', mode: 0, inputs: [], outputs: [], widgets_values: ['y', 'increment', '', 0.5, 'hi'] },
      ],
      links: [],
      version: 0.4,
    }
    const result = convertWorkflow(wf, { objectInfo: info })
    expect(result.prompt['1']!.inputs).toEqual({ pick: 'y', b: 0.5, note: 'hi' })
  })

  it('maps a legacy-UI node whose forceInput input still held a widget slot', () => {
    const info = coreObjectInfo()
    info.Legacy = outputNodeInfo('Legacy', { a: ['INT', { forceInput: true }], b: ['FLOAT', {}] })
    const today = { nodes: [{ id: 1, type: 'Legacy', widgets_values: [0.25] }], links: [] }
    const legacy = { nodes: [{ id: 1, type: 'Legacy', widgets_values: [3, 0.75] }], links: [] }
    expect(convertWorkflow(today, { objectInfo: info }).prompt['1']!.inputs).toEqual({ b: 0.25 })
    expect(convertWorkflow(legacy, { objectInfo: info }).prompt['1']!.inputs).toEqual({ a: 3, b: 0.75 })
  })

  it('gives a seed no control slot when its spec sets control_after_generate: false', () => {
    const info = coreObjectInfo()
    info.FixedSeed = outputNodeInfo('FixedSeed', {
      seed: ['INT', { control_after_generate: false }],
      steps: ['INT', {}],
    })
    const wf = { nodes: [{ id: 1, type: 'FixedSeed', widgets_values: [5, 30] }], links: [] }
    const result = convertWorkflow(wf, { objectInfo: info })
    expect(result.prompt['1']!.inputs).toEqual({ seed: 5, steps: 30 })
  })

  it('wraps list-valued widgets as {__value__} so they are not read as links', () => {
    const info = coreObjectInfo()
    info.ListNode = outputNodeInfo('ListNode', { values: ['STRING', {}] })
    const wf = { nodes: [{ id: 1, type: 'ListNode', widgets_values: [[1, 2]] }], links: [] }
    const result = convertWorkflow(wf, { objectInfo: info })
    expect(result.prompt['1']!.inputs.values).toEqual({ __value__: [1, 2] })
  })

  it('uses the first server whose /object_info knows every node when no target is given', () => {
    expect(convertForSmallAndBig('none').capableServers).toEqual(['big'])
  })

  it('does not let a preferred server that lacks a node narrow routing when other servers are given', () => {
    const result = convertForSmallAndBig('small')
    expect(result.capableServers).toEqual(['big'])
    expect(result.prompt['3']!.class_type).toBe('KSampler')
  })

  it('refuses a UI workflow when there is no /object_info to convert it with', () => {
    const error = expectErr(intakeFile({ name: 'd.json', bytes: fixtureBytes('default-graph.json') }, options(null)))
    expect(error.code).toBe('intake/needs-object-info')
  })
})
