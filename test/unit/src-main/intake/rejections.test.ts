import { describe, expect, it } from 'vitest'
import { intakeFile } from '../../../../src-main/intake'
import { INTAKE_MAX_BYTES } from '../../../../src-shared/contract/intake'
import type { IntakeOptions, UnknownNodeTypesDetails } from '../../../../src-shared/contract/intake'
import type { ApiPrompt } from '../../../../src-shared/contract/runs'
import { coreObjectInfo, expectErr, jsonBytes, options, workflowFixture } from '../../../helpers/intake-fixtures'
import { makeExif, makePng, makeWebp, tEXt } from './image-builders'

const api = (): ApiPrompt => workflowFixture('basic-api-example.api.json') as ApiPrompt
const reject = (bytes: Uint8Array, opts: IntakeOptions = options(), name = 'file.json') =>
  expectErr(intakeFile({ name, bytes }, opts))

describe('intake rejections', () => {
  it('refuses a file over 50 MB before reading a byte of it', () => {
    // Not JSON and not an image: if the size were not checked first, the error would be a parse error.
    const bytes = new Uint8Array(INTAKE_MAX_BYTES + 1).fill(0x7b)
    const error = reject(bytes, options(), 'huge.json')
    expect(error.code).toBe('intake/too-large')
    expect(error.message).toBe('huge.json is 50.0 MB; workflow files over 50.0 MB are refused.')
  })

  it('refuses an empty file and a blank one', () => {
    expect(reject(new Uint8Array(0))).toMatchObject({ code: 'intake/empty-file', message: 'file.json is empty.' })
    expect(reject(Buffer.from('  \n '))).toMatchObject({ code: 'intake/empty-file', message: 'The file is empty.' })
  })

  it('refuses text that is not JSON, naming the parse problem', () => {
    const error = reject(Buffer.from('{"3": {"class_type": "KSampler",'))
    expect(error.code).toBe('intake/not-json')
    expect(error.message).toMatch(/^The file is not valid JSON \(.+\)\.$/)
  })

  it('refuses binary that is neither text, PNG nor WebP', () => {
    const error = reject(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]), options(), 'photo.jpg')
    expect(error).toMatchObject({
      code: 'intake/not-json',
      message: 'photo.jpg is not a workflow: it is neither JSON text nor a PNG or WebP image.',
    })
  })

  it('refuses JSON that is not a workflow', () => {
    expect(reject(jsonBytes([1, 2]))).toMatchObject({
      code: 'intake/not-a-workflow',
      message: 'The file is JSON but not a ComfyUI workflow (it is a list of 2 items).',
    })
    expect(reject(jsonBytes('hello')).message).toContain('(it is a string)')
    const error = reject(jsonBytes({ name: 'x', version: 3 }))
    expect(error.code).toBe('intake/not-a-workflow')
    expect(error.message).toContain('"name", "version" are not nodes with a class_type')
    expect(reject(jsonBytes({ prompt: 42 })).message).toBe('The "prompt" field is not an API prompt (it is a number).')
  })

  it('refuses empty workflows in every shape', () => {
    for (const value of [{}, { nodes: [], links: [] }, { prompt: {} }]) {
      expect(reject(jsonBytes(value)).code).toBe('intake/empty-workflow')
    }
  })

  it('refuses a UI workflow with only notes (nothing to run)', () => {
    const wf = { nodes: [{ id: 1, type: 'Note', widgets_values: ['hello'] }], links: [] }
    expect(reject(jsonBytes(wf))).toMatchObject({
      code: 'intake/no-output-node',
      message: 'The workflow has no active output node (such as Save Image or Preview Image), so nothing would run.',
    })
  })

  it('refuses a PNG without ComfyUI metadata, and says when it is an A1111 image', () => {
    expect(reject(makePng([]), options(), 'cat.png')).toMatchObject({
      code: 'intake/png-no-metadata',
      message: 'cat.png is a PNG without ComfyUI workflow metadata.',
    })
    const a1111 = makePng([tEXt('parameters', 'a cat\nSteps: 20, Sampler: Euler')])
    expect(reject(a1111, options(), 'a.png').message).toBe(
      "a.png is a PNG without ComfyUI workflow metadata (it has Automatic1111 'parameters', which ComfyUI cannot run)."
    )
  })

  it('refuses a WebP without ComfyUI metadata', () => {
    expect(reject(makeWebp(null), options(), 'x.webp')).toMatchObject({
      code: 'intake/webp-no-metadata',
      message: 'x.webp is a WebP without ComfyUI workflow metadata.',
    })
    const other = makeExif([[0x010f, 'Canon']])
    expect(reject(makeWebp(other), options(), 'x.webp').code).toBe('intake/webp-no-metadata')
  })

  it('refuses a truncated PNG and one with a flipped bit', () => {
    const png = makePng([tEXt('prompt', JSON.stringify(api()))])
    const truncated = reject(png.subarray(0, png.length - 20), options(), 't.png')
    expect(truncated.code).toBe('intake/corrupt-png')
    expect(truncated.message).toMatch(/^The PNG file is corrupt or truncated: /)
    const flipped = Buffer.from(png)
    flipped[60] = flipped[60]! ^ 0x04
    expect(reject(flipped, options(), 'f.png').message).toMatch(/fails its CRC check/)
  })

  it('refuses a truncated WebP', () => {
    const webp = makeWebp(makeExif([[0x0110, `prompt:${JSON.stringify(api())}`]]))
    const error = reject(webp.subarray(0, webp.length - 30), options(), 't.webp')
    expect(error.code).toBe('intake/corrupt-webp')
  })

  it('lists unknown node types for every server, and which server lacks what', () => {
    const full = coreObjectInfo()
    const noSampler = { ...full }
    delete noSampler.KSampler
    const prompt = { ...api(), '10': { class_type: 'FaceDetailer', inputs: { image: ['8', 0] } } }
    const error = reject(jsonBytes(prompt), { objectInfo: null, objectInfoByServer: { gpu1: full, gpu2: noSampler } })
    expect(error.code).toBe('intake/unknown-node-types')
    expect(error.message).toBe(
      'No server can run this workflow: unknown node types FaceDetailer, KSampler (gpu1 lacks FaceDetailer; gpu2 lacks FaceDetailer, KSampler).'
    )
    expect(error.details as UnknownNodeTypesDetails).toEqual({
      types: ['FaceDetailer', 'KSampler'],
      missingByServer: { gpu1: ['FaceDetailer'], gpu2: ['FaceDetailer', 'KSampler'] },
    })
  })

  it('names servers by the names the user gave them, keeping ids in the details', () => {
    const noSampler = { ...coreObjectInfo() }
    delete noSampler.KSampler
    const error = reject(jsonBytes(api()), {
      objectInfo: null,
      objectInfoByServer: { 'c0a8-41e2': noSampler },
      serverNames: { 'c0a8-41e2': 'attic 4090' },
    })
    expect(error.message).toBe(
      'No server can run this workflow: unknown node types KSampler (attic 4090 lacks KSampler).'
    )
    expect(error.details).toEqual({ types: ['KSampler'], missingByServer: { 'c0a8-41e2': ['KSampler'] } })
  })

  it('lists unknown node types of a UI workflow before converting it', () => {
    const wf = workflowFixture('default-graph.json')
    ;(wf.nodes as Array<Record<string, unknown>>).push({ id: 50, type: 'UltimateSDUpscale', mode: 0 })
    const error = reject(jsonBytes(wf))
    expect(error.code).toBe('intake/unknown-node-types')
    expect(error.details).toEqual({ types: ['UltimateSDUpscale'], missingByServer: { target: ['UltimateSDUpscale'] } })
  })

  it('ignores unknown types on bypassed or muted nodes (they are never sent)', () => {
    const wf = workflowFixture('default-graph.json')
    ;(wf.nodes as Array<Record<string, unknown>>).push({ id: 50, type: 'UltimateSDUpscale', mode: 4 })
    expect(intakeFile({ name: 'x.json', bytes: jsonBytes(wf) }, options()).ok).toBe(true)
  })

  it('refuses a link to a node that is not there (API and UI)', () => {
    const prompt = api()
    prompt['8']!.inputs.vae = ['42', 2]
    expect(reject(jsonBytes(prompt))).toMatchObject({
      code: 'intake/missing-node',
      message: 'Input "vae" of node "8" (VAEDecode) links to node "42", which is not in the workflow.',
    })
    const wf = workflowFixture('default-graph.json')
    ;(wf.links as unknown[][]).find((l) => l[0] === 8)![1] = 77
    expect(reject(jsonBytes(wf))).toMatchObject({
      code: 'intake/missing-node',
      message: 'Link 8 into node 8 (VAEDecode) input "vae" comes from node 77, which does not exist.',
    })
  })

  it('leaves an input naming a link the workflow does not hold unconnected, with a warning', () => {
    const wf = workflowFixture('default-graph.json')
    const nodes = wf.nodes as Array<{ id: number; inputs?: Array<{ link: number | null }> }>
    nodes.find((n) => n.id === 8)!.inputs![1]!.link = 999
    const result = intakeFile({ name: 'x.json', bytes: jsonBytes(wf) }, options())
    expect(result.ok && result.value.prompt['8']!.inputs.vae).toBeUndefined()
    expect(result.ok && result.value.warnings).toContain(
      'Input "vae" of node 8 names link 999, which is not in the workflow; left unconnected.'
    )
  })

  it('refuses a cycle (API prompt and UI reroute loop)', () => {
    const prompt = api()
    prompt['4']!.inputs.loop = ['8', 0]
    const error = reject(jsonBytes(prompt))
    expect(error.code).toBe('intake/cycle')
    expect(error.message).toMatch(/^The workflow has a cycle: (\d+ → )+\d+\. ComfyUI cannot run it\.$/)
    const wf = {
      nodes: [
        { id: 1, type: 'Reroute', inputs: [{ name: '', type: '*', link: 2 }], outputs: [{ name: '', type: '*' }] },
        { id: 2, type: 'Reroute', inputs: [{ name: '', type: '*', link: 1 }], outputs: [{ name: '', type: '*' }] },
        { id: 3, type: 'PreviewImage', inputs: [{ name: 'images', type: 'IMAGE', link: 3 }] },
      ],
      links: [
        [1, 1, 0, 2, 0, '*'],
        [2, 2, 0, 1, 0, '*'],
        [3, 2, 0, 3, 0, 'IMAGE'],
      ],
    }
    expect(reject(jsonBytes(wf)).code).toBe('intake/cycle')
  })

  it('refuses legacy group nodes with a way out', () => {
    const wf = workflowFixture('default-graph.json')
    ;(wf.nodes as Array<Record<string, unknown>>).push({ id: 60, type: 'workflow>Upscaler', mode: 0 })
    wf.extra = { groupNodes: { Upscaler: { nodes: [], links: [], external: [] } } }
    expect(reject(jsonBytes(wf))).toEqual({
      code: 'intake/group-node',
      message:
        'The workflow uses legacy group nodes (workflow>Upscaler), which are not supported; in ComfyUI, convert them to subgraphs or ungroup them, then save again.',
      details: { groupNodes: ['workflow>Upscaler'] },
    })
  })

  it('refuses malformed nodes and links with the offending node named', () => {
    expect(reject(jsonBytes({ '1': { class_type: 'SaveImage' } }))).toMatchObject({
      code: 'intake/bad-node',
      message: 'Node "1" (SaveImage) has no inputs object.',
    })
    const prompt = api()
    prompt['3']!.inputs.model = ['4', 0, 1]
    expect(reject(jsonBytes(prompt))).toMatchObject({ code: 'intake/bad-link' })
    expect(reject(jsonBytes({ nodes: [{ id: 1 }] }))).toMatchObject({
      code: 'intake/bad-node',
      message: 'Node #0 of the workflow is not a node (it needs an id and a string type).',
    })
  })
})
