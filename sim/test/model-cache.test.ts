import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ModelCache } from '../exec/model-cache'
import type { SimServer } from '../index'
import { txt2img } from '../samples/txt2img'
import { postPrompt, startTestServer, WsClient } from './client'

const GB = 1024 ** 3
const SIZES = { a: 7, b: 7, c: 7 }

describe('ModelCache (comfy/model_management.py: LRU, free_memory before a load)', () => {
  it('keeps one 7 GB checkpoint on a 12 GB card: every switch is a full reload', () => {
    const cache = new ModelCache(12 * GB, 30, { modelSizesGb: SIZES, loadMsPerGb: 1000 })
    expect(cache.use('ckpt:a', 'a')).toBe(7000)
    expect(cache.use('ckpt:a', 'a')).toBe(0)
    expect(cache.use('ckpt:b', 'b')).toBe(7000)
    expect(cache.loaded()).toEqual(['ckpt:b'])
    expect(cache.use('ckpt:a', 'a')).toBe(7000)
    expect(cache.loads().map((l) => l.evicted)).toEqual([[], ['ckpt:a'], ['ckpt:b']])
  })

  it('keeps all three on a 24 GB card (21 GB + 1 GB reserve) and evicts the least recently used on a 16 GB one', () => {
    const big = new ModelCache(24 * GB, 30, { modelSizesGb: SIZES, loadMsPerGb: 1000 })
    for (const m of ['a', 'b', 'c']) big.use(`ckpt:${m}`, m)
    expect(big.use('ckpt:a', 'a')).toBe(0)
    expect(big.loaded()).toEqual(['ckpt:a', 'ckpt:c', 'ckpt:b'])

    const mid = new ModelCache(16 * GB, 30, { modelSizesGb: SIZES, loadMsPerGb: 1000 })
    mid.use('ckpt:a', 'a')
    mid.use('ckpt:b', 'b')
    // a was used again, so b is the least recently used when c needs room.
    mid.use('ckpt:a', 'a')
    mid.use('ckpt:c', 'c')
    expect(mid.loaded()).toEqual(['ckpt:c', 'ckpt:a'])
  })

  it('without a VRAM model keeps everything and charges the fixed first-load time', () => {
    const cache = new ModelCache(1 * GB, 30, null)
    expect(cache.use('ckpt:a', 'a')).toBe(30)
    expect(cache.use('ckpt:b', 'b')).toBe(30)
    expect(cache.use('ckpt:a', 'a')).toBe(0)
    cache.clear()
    expect(cache.use('ckpt:a', 'a')).toBe(30)
  })
})

describe('a server with a VRAM model', () => {
  const ckpts = ['v1-5-pruned-emaonly-fp16.safetensors', 'sd_xl_base_1.0.safetensors']
  let server: SimServer
  beforeAll(async () => {
    server = await startTestServer({
      speed: 2,
      device: { name: 'test card', vramTotal: 12 * GB },
      vram: { modelSizesGb: { [ckpts[0]!]: 7, [ckpts[1]!]: 7 }, loadMsPerGb: 2 },
    })
  })
  afterAll(async () => {
    await server.stop()
  })

  it('reloads on every switch between two checkpoints that do not fit together, scaled by its speed', async () => {
    const client = await WsClient.connect(server, 'vram')
    const order = [0, 0, 1, 0]
    for (const [i, m] of order.entries()) {
      const prompt = txt2img({ ckpt: ckpts[m], steps: 1, seed: i, prefix: `vram-${i}` })
      await postPrompt(server, { prompt, client_id: client.sid, prompt_id: `v-${i}` })
      await client.waitDone(`v-${i}`)
    }
    const timeline = server.stats().timeline
    expect(timeline.map((r) => r.models)).toEqual(order.map((m) => [ckpts[m]]))
    // 7 GB × 2 ms/GB at speed 2 = 7 ms per load; the second run of the first checkpoint loads nothing.
    expect(timeline.map((r) => r.loads.map((l) => l.ms))).toEqual([[7], [], [7], [7]])
    // /system_stats still reports the card as real ComfyUI does (the protocol is unchanged).
    const stats = (await (await fetch(`${server.url}/system_stats`)).json()) as {
      devices: Array<{ vram_total: number }>
    }
    expect(stats.devices[0]?.vram_total).toBe(12 * GB)
    client.ws.close()
  })
})
