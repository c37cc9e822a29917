import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { intakeFile, intakeJson } from '../../../../src-main/intake'
import type { ApiPrompt } from '../../../../src-shared/contract/runs'
import { expectOk, fixtureBytes, jsonBytes, options, workflowFixture } from '../../../helpers/intake-fixtures'
import { iTXt, makeExif, makePng, makeWebp, tEXt, zTXt } from './image-builders'

const api = (): ApiPrompt => workflowFixture('basic-api-example.api.json') as ApiPrompt
const ui = (): Record<string, unknown> => workflowFixture('default-graph.json')

describe('intake formats', () => {
  it('takes an API-format JSON file ("Save (API)") as is', () => {
    const result = expectOk(
      intakeFile({ name: 'basic.json', bytes: fixtureBytes('basic-api-example.api.json') }, options())
    )
    expect(result).toMatchObject({ kind: 'api', source: 'prompt', workflow: null, capableServers: null })
    expect(result.prompt).toEqual(api())
  })

  it('checks an API prompt without /object_info (no conversion needed)', () => {
    const result = expectOk(intakeFile({ name: 'basic.json', bytes: jsonBytes(api()) }, options(null)))
    expect(result.prompt).toEqual(api())
  })

  it('unwraps a {"prompt": …} envelope', () => {
    const result = expectOk(intakeFile({ name: 'body.json', bytes: jsonBytes({ prompt: api() }) }, options()))
    expect(result.kind).toBe('api')
    expect(result.prompt).toEqual(api())
  })

  it('keeps the UI workflow of a /prompt body with extra_data.extra_pnginfo.workflow', () => {
    const body = { prompt: api(), client_id: 'abc', extra_data: { extra_pnginfo: { workflow: ui() } } }
    const result = expectOk(intakeFile({ name: 'body.json', bytes: jsonBytes(body) }, options()))
    expect(result.source).toBe('prompt')
    expect(result.workflow).toEqual(ui())
  })

  it('reads a history / queue item whose prompt is the server tuple', () => {
    const item = { prompt: [3, 'c0ffee', api(), { extra_pnginfo: { workflow: ui() } }, ['9']], outputs: {}, status: {} }
    const result = expectOk(intakeJson(item, 'history.json', options()))
    expect(result.prompt).toEqual(api())
    expect(result.workflow).toEqual(ui())
  })

  it('reads a UI-format JSON (schema 0.4) and keeps it as the workflow', () => {
    const result = expectOk(intakeFile({ name: 'default.json', bytes: fixtureBytes('default-graph.json') }, options()))
    expect(result).toMatchObject({ kind: 'ui', source: 'workflow' })
    expect(Object.keys(result.prompt)).toHaveLength(7)
  })

  it('reads a UI-format JSON (schema 1, object links)', () => {
    const name = 'constructed-v1-bypass-primitive.json'
    const result = expectOk(intakeFile({ name, bytes: fixtureBytes(name) }, options()))
    expect(result.kind).toBe('ui')
    expect(result.prompt['6']!.class_type).toBe('KSampler')
  })

  it('reads a {"workflow": …} envelope and a UTF-8 BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), jsonBytes({ workflow: ui() })])
    const result = expectOk(intakeFile({ name: 'w.json', bytes }, options()))
    expect(result.kind).toBe('ui')
  })

  it('prefers the PNG prompt chunk over the workflow chunk and keeps both', () => {
    const png = makePng([tEXt('prompt', JSON.stringify(api())), tEXt('workflow', JSON.stringify(ui()))])
    const result = expectOk(intakeFile({ name: 'ComfyUI_00001_.png', bytes: png }, options()))
    expect(result).toMatchObject({ kind: 'png', source: 'prompt' })
    expect(result.prompt).toEqual(api())
    expect(result.workflow).toEqual(ui())
    expect(result.meta.workflowName).toBe('ComfyUI_00001_')
  })

  it('falls back to the PNG workflow chunk when there is no prompt', () => {
    const png = makePng([tEXt('workflow', JSON.stringify(ui()))])
    const result = expectOk(intakeFile({ name: 'w.png', bytes: png }, options()))
    expect(result).toMatchObject({ kind: 'png', source: 'workflow' })
    expect(result.prompt['3']!.inputs.seed).toBe(156680208700286)
  })

  it('falls back to the workflow chunk when the prompt chunk is damaged', () => {
    const png = makePng([tEXt('prompt', '{"3": {"class_'), tEXt('workflow', JSON.stringify(ui()))])
    const result = expectOk(intakeFile({ name: 'w.png', bytes: png }, options()))
    expect(result.source).toBe('workflow')
  })

  it('reads iTXt chunks, uncompressed and compressed, and zTXt', () => {
    const text = JSON.stringify({ ...api(), '6': { ...api()['6']!, inputs: { clip: ['4', 1], text: 'café ☕ 猫' } } })
    for (const chunk of [
      iTXt('prompt', text, false),
      iTXt('prompt', text, true),
      zTXt('prompt', JSON.stringify(api())),
    ]) {
      const result = expectOk(intakeFile({ name: 'i.png', bytes: makePng([chunk]) }, options()))
      expect(result.prompt['3']!.class_type).toBe('KSampler')
    }
    const result = expectOk(intakeFile({ name: 'i.png', bytes: makePng([iTXt('prompt', text, true)]) }, options()))
    expect(result.meta.positivePrompt).toBe('café ☕ 猫')
  })

  it("reads Python json.dumps output with NaN (ComfyUI's with_nan_metadata case)", () => {
    const text = JSON.stringify(api()).replace('"denoise":1', '"denoise":NaN')
    const result = expectOk(intakeFile({ name: 'n.png', bytes: makePng([tEXt('prompt', text)]) }, options()))
    expect(result.prompt['3']!.inputs.denoise).toBeNull()
  })

  it('reads a WebP saved by SaveAnimatedWEBP (EXIF 0x0110 prompt, 0x010F workflow)', () => {
    const exif = makeExif([
      [0x0110, `prompt:${JSON.stringify(api())}`],
      [0x010f, `workflow:${JSON.stringify(ui())}`],
    ])
    const result = expectOk(intakeFile({ name: 'anim.webp', bytes: makeWebp(exif) }, options()))
    expect(result).toMatchObject({ kind: 'webp', source: 'prompt' })
    expect(result.prompt).toEqual(api())
    expect(result.workflow).toEqual(ui())
  })

  it('reads WebP EXIF with the Exif\\0\\0 prefix, big-endian, and workflow-only', () => {
    const exif = makeExif([[0x010f, `workflow:${JSON.stringify(ui())}`]], { prefix: true, bigEndian: true })
    const result = expectOk(intakeFile({ name: 'w.webp', bytes: makeWebp(exif) }, options()))
    expect(result).toMatchObject({ kind: 'webp', source: 'workflow' })
    expect(result.prompt['9']!.class_type).toBe('SaveImage')
  })

  it('reads a WebP written by a real encoder (libvips/libwebp via sharp) with the EXIF tags ComfyUI uses', async () => {
    const bytes = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } })
      .webp()
      .withExif({ IFD0: { Model: `prompt:${JSON.stringify(api())}`, Make: `workflow:${JSON.stringify(ui())}` } })
      .toBuffer()
    const result = expectOk(intakeFile({ name: 'real.webp', bytes }, options()))
    expect(result.kind).toBe('webp')
    expect(result.prompt).toEqual(api())
    expect(result.workflow).toEqual(ui())
  })

  it('builds PNG fixtures that a real decoder accepts', async () => {
    const png = makePng([tEXt('prompt', JSON.stringify(api()))])
    const meta = await sharp(png).metadata()
    expect(meta).toMatchObject({ format: 'png', width: 1, height: 1 })
  })
})
