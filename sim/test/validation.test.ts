import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SimServer } from '../index'
import { delay, getJson, imageGraph, postPrompt, postPromptRaw, startTestServer, WsClient } from './client'

describe('POST /prompt validation (protocol §2)', () => {
  let server: SimServer
  let watcher: WsClient
  beforeAll(async () => {
    server = await startTestServer({ models: { checkpoints: ['only.safetensors'] } })
    watcher = await WsClient.connect(server, 'watcher')
  })
  afterAll(async () => {
    watcher.close()
    await server.stop()
  })

  it('rejects a body without prompt (no_prompt)', async () => {
    const res = await postPrompt(server, { client_id: 'watcher' })
    expect(res.status).toBe(400)
    expect(res.json).toEqual({
      error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} },
      node_errors: {},
    })
  })

  it('rejects an unknown class_type and a missing class_type (invalid_prompt)', async () => {
    const unknown = await postPrompt(server, { prompt: { '7': { class_type: 'NoSuchNode', inputs: {} } } })
    expect(unknown.status).toBe(400)
    expect(unknown.json).toEqual({
      error: {
        type: 'invalid_prompt',
        message: 'Cannot execute because node NoSuchNode does not exist.',
        details: "Node ID '#7'",
        extra_info: {},
      },
      node_errors: {},
    })
    const missing = await postPrompt(server, { prompt: { '3': { inputs: {} } } })
    expect((missing.json.error as { message: string }).message).toBe(
      'Cannot execute because a node is missing the class_type property.'
    )
  })

  it('rejects a prompt without output nodes (prompt_no_outputs)', async () => {
    const res = await postPrompt(server, {
      prompt: { '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } } },
    })
    expect(res.status).toBe(400)
    expect(res.json.error).toEqual({
      type: 'prompt_no_outputs',
      message: 'Prompt has no outputs',
      details: '',
      extra_info: {},
    })
  })

  it('reports missing inputs, bad values, wrong link types and enum values with ComfyUI node_errors', async () => {
    const prompt = {
      '1': { class_type: 'EmptyImage', inputs: { width: 0, height: 'tall', batch_size: 1 } },
      '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'x' } },
      '3': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'missing.safetensors' } },
      '4': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['3', 2] } },
      '5': { class_type: 'PreviewImage', inputs: { images: ['4', 0] } },
    }
    const res = await postPrompt(server, { prompt, client_id: 'watcher' })
    expect(res.status).toBe(400)
    const error = res.json.error as Record<string, string>
    expect(error.type).toBe('prompt_outputs_failed_validation')
    expect(error.message).toBe('Prompt outputs failed validation')
    // `details` carries only the failing outputs' own reasons (none here): upstream ones are in node_errors.
    expect(error.details).toBe('')
    const nodeErrors = res.json.node_errors as Record<
      string,
      { errors: Array<Record<string, unknown>>; dependent_outputs: string[]; class_type: string }
    >
    // validated order: 1 (under output 2), then 3 (reached through 4's vae link), then 4.
    expect(Object.keys(nodeErrors)).toEqual(['1', '3', '4'])
    expect(nodeErrors['1']?.class_type).toBe('EmptyImage')
    expect(nodeErrors['1']?.dependent_outputs).toEqual(['2', '5'])
    expect(nodeErrors['1']?.errors[0]).toEqual({
      type: 'value_smaller_than_min',
      message: 'Value 0 smaller than min of 1',
      details: 'width',
      extra_info: {
        input_name: 'width',
        input_config: ['INT', { default: 512, min: 1, max: 16384, step: 1 }],
        received_value: 0,
      },
    })
    expect(nodeErrors['1']?.errors[2]).toEqual({
      type: 'required_input_missing',
      message: 'Required input is missing',
      details: 'color',
      extra_info: { input_name: 'color' },
    })
    expect(nodeErrors['4']?.errors[0]).toMatchObject({
      type: 'return_type_mismatch',
      extra_info: {
        input_name: 'samples',
        input_config: ['LATENT', {}],
        received_type: 'MODEL',
        linked_node: ['3', 0],
      },
    })
    expect(nodeErrors['3']?.errors.map((e) => e.type)).toEqual(['value_not_in_list'])
    expect(nodeErrors['3']?.dependent_outputs).toEqual(['5'])
  })

  it("puts an output node's own reasons into error.details", async () => {
    const prompt = {
      '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
      '2': { class_type: 'SaveImage', inputs: { images: ['1', 0] } },
    }
    const res = await postPrompt(server, { prompt })
    expect((res.json.error as { details: string }).details).toBe('Required input is missing: filename_prefix')
  })

  it('reports a combo value not in the server-specific list', async () => {
    const prompt = {
      '3': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd_xl_base_1.0.safetensors' } },
      '4': { class_type: 'VAEDecode', inputs: { samples: ['5', 0], vae: ['3', 2] } },
      '5': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
      '6': { class_type: 'SaveImage', inputs: { images: ['4', 0], filename_prefix: 'x' } },
    }
    const res = await postPrompt(server, { prompt })
    const nodeErrors = res.json.node_errors as Record<string, { errors: unknown[] }>
    expect(nodeErrors['3']?.errors).toEqual([
      {
        type: 'value_not_in_list',
        message: 'Value not in list',
        details: "ckpt_name: 'sd_xl_base_1.0.safetensors' not in ['only.safetensors']",
        extra_info: {
          input_name: 'ckpt_name',
          input_config: [['only.safetensors'], { tooltip: 'The name of the checkpoint (model) to load.' }],
          received_value: 'sd_xl_base_1.0.safetensors',
        },
      },
    ])
  })

  it('reports a link to a node that does not exist as exception_during_validation', async () => {
    const res = await postPrompt(server, {
      prompt: { '9': { class_type: 'SaveImage', inputs: { images: ['42', 0], filename_prefix: 'x' } } },
    })
    expect(res.status).toBe(400)
    const nodeErrors = res.json.node_errors as Record<string, { errors: Array<Record<string, unknown>> }>
    expect(nodeErrors['9']?.errors[0]).toMatchObject({
      type: 'exception_during_validation',
      message: 'Exception when validating node',
      details: "'42'",
      extra_info: { exception_type: 'KeyError' },
    })
  })

  it('accepts when one output is valid (node_errors non-empty on a 200) and queues only that output', async () => {
    const prompt = {
      ...imageGraph('partial'),
      '5': { class_type: 'LoadImage', inputs: { image: 'nope.png' } },
      '6': { class_type: 'PreviewImage', inputs: { images: ['5', 0] } },
    }
    const res = await postPrompt(server, { prompt, prompt_id: 'partial-1' })
    expect(res.status).toBe(200)
    const nodeErrors = res.json.node_errors as Record<string, { errors: Array<Record<string, unknown>> }>
    expect(nodeErrors['5']?.errors).toEqual([
      {
        type: 'custom_validation_failed',
        message: 'Custom validation failed for node',
        details: 'image - Invalid image file: nope.png',
        extra_info: { input_name: 'image' },
      },
    ])
    for (let i = 0; i < 100 && !(await getJson(server, '/history/partial-1'))['partial-1']; i++) await delay(10)
    const h = await getJson<Record<string, { prompt: unknown[]; outputs: Record<string, unknown> }>>(
      server,
      '/history/partial-1'
    )
    expect(h['partial-1']?.prompt[4]).toEqual(['4'])
    expect(Object.keys(h['partial-1']?.outputs ?? {})).toEqual(['4'])
  })

  it('coerces literal inputs in place, as ComfyUI does, and keeps key order and Python float/int forms', async () => {
    const body =
      '{"prompt": {"10": {"class_type": "SaveImage", "inputs": {"images": ["9", 0], "filename_prefix": 7}}, ' +
      '"9": {"class_type": "EmptyImage", "inputs": {"width": "16", "height": 16.0, "batch_size": 1, "color": 0}}}, ' +
      '"prompt_id": "coerce-1", "number": 5}'
    const res = await postPromptRaw(server, body)
    expect(res.status).toBe(200)
    for (let i = 0; i < 100 && !(await getJson(server, '/history/coerce-1'))['coerce-1']; i++) await delay(10)
    const text = await (await fetch(`${server.url}/history/coerce-1`)).text()
    expect(text).toContain(
      '"prompt": [5.0, "coerce-1", {"10": {"class_type": "SaveImage", "inputs": {"images": ["9", 0], "filename_prefix": "7"}}, ' +
        '"9": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 16, "batch_size": 1, "color": 0}}}, {}, ["10"]]'
    )
  })

  it('sends no WebSocket message for a rejected prompt and consumes a number', async () => {
    const before = watcher.frames.length
    await postPrompt(server, { prompt: { '1': { class_type: 'Nope', inputs: {} } }, client_id: 'watcher' })
    await delay(30)
    expect(watcher.frames.length).toBe(before)
  })
})

describe('newer-server prompt ids (uuidPromptIds)', () => {
  let server: SimServer
  beforeAll(async () => {
    server = await startTestServer({ uuidPromptIds: true })
  })
  afterAll(async () => {
    await server.stop()
  })

  it('rejects non-UUID ids with 400 invalid_prompt_id and duplicates with 409', async () => {
    const bad = await postPrompt(server, { prompt: imageGraph(), prompt_id: 'not-a-uuid' })
    expect(bad.status).toBe(400)
    expect((bad.json.error as { type: string }).type).toBe('invalid_prompt_id')
    const id = '3f2b8a1e-1c2d-4e5f-8a9b-0c1d2e3f4a5b'
    expect((await postPrompt(server, { prompt: imageGraph(), prompt_id: id })).status).toBe(200)
    const dup = await postPrompt(server, { prompt: imageGraph(), prompt_id: id })
    expect(dup).toEqual({ status: 409, json: { error: 'prompt_id already exists' } })
  })
})
