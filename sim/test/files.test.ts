import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodePngRgb, encodePng, readPngChunks, readPngTexts } from '../index'
import type { SimServer } from '../index'
import { getJson, postPrompt, postPromptRaw, startTestServer, WsClient } from './client'

describe('output files, /view and /upload/image (protocol §5, §8.3)', () => {
  let server: SimServer
  let client: WsClient
  beforeAll(async () => {
    server = await startTestServer()
    client = await WsClient.connect(server, 'files')
  })
  afterAll(async () => {
    client.close()
    await server.stop()
  })

  it('writes a PNG whose prompt and workflow tEXt chunks are exactly what json.dumps writes', async () => {
    // Raw body: key order ("10" before "9"), an integral float and non-ASCII text must survive as Python keeps them.
    const body =
      '{"client_id": "files", "prompt_id": "png-1", "prompt": {' +
      '"10": {"class_type": "SaveImage", "inputs": {"images": ["9", 0], "filename_prefix": "meta/shot"}, "_meta": {"title": "Save \\u00e9"}}, ' +
      '"9": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}}, ' +
      '"1": {"class_type": "EmptyImage", "inputs": {"width": 24, "height": 16, "batch_size": 2, "color": 255}}}, ' +
      '"extra_data": {"extra_pnginfo": {"workflow": {"nodes": [], "extra": {"ds": {"scale": 1.0, "offset": [0, -2.5]}}, "note": "snow \\u2603 and \\ud83d\\ude00"}}}}'
    const res = await postPromptRaw(server, body)
    expect(res.status).toBe(200)
    await client.waitDone('png-1')
    const out = client.forPrompt('png-1').find((f) => f.type === 'executed')?.data.output
    expect(out).toEqual({
      images: [
        { filename: 'shot_00001_.png', subfolder: 'meta', type: 'output' },
        { filename: 'shot_00002_.png', subfolder: 'meta', type: 'output' },
      ],
    })
    const view = await fetch(`${server.url}/view?filename=shot_00001_.png&subfolder=meta&type=output`)
    expect(view.status).toBe(200)
    expect(view.headers.get('content-type')).toBe('image/png')
    expect(view.headers.get('content-disposition')).toBe('filename="shot_00001_.png"')
    const png = Buffer.from(await view.arrayBuffer())
    expect(readPngChunks(png).map((c) => c.type)).toEqual(['IHDR', 'tEXt', 'tEXt', 'IDAT', 'IEND'])
    const texts = readPngTexts(png)
    expect([...texts.keys()]).toEqual(['prompt', 'workflow'])
    expect(texts.get('prompt')).toBe(
      '{"10": {"class_type": "SaveImage", "inputs": {"images": ["9", 0], "filename_prefix": "meta/shot"}, "_meta": {"title": "Save \\u00e9"}}, ' +
        '"9": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}}, ' +
        '"1": {"class_type": "EmptyImage", "inputs": {"width": 24, "height": 16, "batch_size": 2, "color": 255}}}'
    )
    expect(texts.get('workflow')).toBe(
      '{"nodes": [], "extra": {"ds": {"scale": 1.0, "offset": [0, -2.5]}}, "note": "snow \\u2603 and \\ud83d\\ude00"}'
    )
    // EmptyImage colour 0x0000ff inverted → yellow, 24×16.
    const img = decodePngRgb(png)
    expect([img.width, img.height]).toEqual([24, 16])
    expect([...img.rgb.subarray(0, 3)]).toEqual([255, 255, 0])
  })

  it('writes only the prompt chunk when the client sends no extra_pnginfo, and is deterministic', async () => {
    const graph = (prefix: string) => ({
      '5': { class_type: 'EmptyLatentImage', inputs: { width: 32, height: 32, batch_size: 1 } },
      '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly-fp16.safetensors' } },
      '8': { class_type: 'VAEDecode', inputs: { samples: ['5', 0], vae: ['4', 2] } },
      '9': { class_type: 'SaveImage', inputs: { images: ['8', 0], filename_prefix: prefix } },
    })
    await postPrompt(server, { prompt: graph('det-a'), client_id: 'files', prompt_id: 'det-1' })
    await client.waitDone('det-1')
    await postPrompt(server, { prompt: graph('det-b'), client_id: 'files', prompt_id: 'det-2' })
    await client.waitDone('det-2')
    const a = Buffer.from(await (await fetch(`${server.url}/view?filename=det-a_00001_.png`)).arrayBuffer())
    const b = Buffer.from(await (await fetch(`${server.url}/view?filename=det-b_00001_.png`)).arrayBuffer())
    expect([...readPngTexts(a).keys()]).toEqual(['prompt'])
    expect(Buffer.from(decodePngRgb(a).rgb).equals(Buffer.from(decodePngRgb(b).rgb))).toBe(true)
  })

  it('answers /view errors like ComfyUI: 404 missing, 400 bad name/type, 403 subfolder escape', async () => {
    const status = async (q: string) => (await fetch(`${server.url}/view${q}`)).status
    expect(await status('')).toBe(404)
    expect(await status('?filename=nothing.png')).toBe(404)
    expect(await status('?filename=..%2Fsecret.png')).toBe(400)
    expect(await status('?filename=%2Fetc%2Fpasswd')).toBe(400)
    expect(await status('?filename=shot_00001_.png&type=models')).toBe(400)
    expect(await status('?filename=shot_00001_.png&subfolder=..%2F..')).toBe(403)
    expect(await status('?filename=shot_00001_.png&subfolder=%2Fetc')).toBe(403)
    expect(await status('?filename=shot_00001_.png%20%5Boutput%5D&subfolder=meta')).toBe(200)
    const preview = await fetch(`${server.url}/api/view?filename=shot_00001_.png&subfolder=meta&preview=jpeg;50`)
    expect(preview.headers.get('content-type')).toBe('image/jpeg')
  })

  it('uploads an image (rename on conflict, reuse identical content) and LoadImage uses it', async () => {
    const png = encodePng(8, 8, new Uint8Array(8 * 8 * 3).fill(200))
    const upload = async (bytes: Buffer, extra: Record<string, string> = {}) => {
      const form = new FormData()
      form.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'cat.png')
      for (const [k, v] of Object.entries(extra)) form.append(k, v)
      const res = await fetch(`${server.url}/upload/image`, { method: 'POST', body: form })
      const text = await res.text()
      return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, string> }
    }
    expect(await upload(png)).toEqual({ status: 200, json: { name: 'cat.png', subfolder: '', type: 'input' } })
    expect((await upload(png)).json.name).toBe('cat.png')
    const other = encodePng(8, 8, new Uint8Array(8 * 8 * 3).fill(10))
    expect((await upload(other)).json.name).toBe('cat (1).png')
    expect((await upload(other, { overwrite: 'true' })).json.name).toBe('cat.png')
    expect((await upload(png, { subfolder: 'pets' })).json).toEqual({
      name: 'cat.png',
      subfolder: 'pets',
      type: 'input',
    })
    const escape = await upload(png, { subfolder: '../../x' })
    expect(escape.status).toBe(400)
    expect(existsSync(join(server.dataDir, 'input', 'cat (1).png'))).toBe(true)

    const info = await getJson<Record<string, { input: { required: { image: [string[]] } } }>>(
      server,
      '/object_info/LoadImage'
    )
    expect(info.LoadImage?.input.required.image[0]).toEqual(['cat (1).png', 'cat.png'])
    const prompt = {
      '1': { class_type: 'LoadImage', inputs: { image: 'cat.png' } },
      '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
    }
    await postPrompt(server, { prompt, client_id: 'files', prompt_id: 'load-1' })
    await client.waitDone('load-1')
    const out = client.forPrompt('load-1').find((f) => f.type === 'executed')?.data.output as {
      images: Array<{ filename: string; subfolder: string; type: string }>
    }
    expect(out.images[0]?.type).toBe('temp')
    expect(out.images[0]?.filename).toMatch(/^ComfyUI_temp_[a-z]{5}_00001_\.png$/)
    const temp = await fetch(
      `${server.url}/view?filename=${encodeURIComponent(out.images[0]?.filename ?? '')}&type=temp`
    )
    const tempPng = Buffer.from(await temp.arrayBuffer())
    expect(decodePngRgb(tempPng).width).toBe(8)
    // LoadImage's IS_CHANGED (sha256 of the file) is written into the live prompt and so into the PNG.
    const embedded = JSON.parse(readPngTexts(tempPng).get('prompt') ?? '{}') as Record<
      string,
      { is_changed?: string[] }
    >
    expect(embedded['1']?.is_changed?.[0]).toMatch(/^[0-9a-f]{64}$/)
  })
})
