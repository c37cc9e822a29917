import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startFarm } from '../index'
import type { SimServer } from '../index'
import { delay, getJson, imageGraph, postJson, postPrompt, samplerGraph, startTestServer, WsClient } from './client'

const servers: SimServer[] = []
async function server(opts: Parameters<typeof startTestServer>[0] = {}): Promise<SimServer> {
  const s = await startTestServer(opts)
  servers.push(s)
  return s
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()))
})

/** True when nothing listens on the server's port any more (a fresh TCP connect is refused). */
function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1')
    sock.once('connect', () => {
      sock.destroy()
      resolve(false)
    })
    sock.once('error', (ex: NodeJS.ErrnoException) => resolve(ex.code === 'ECONNREFUSED'))
  })
}

describe('restart and crash', () => {
  it('restart keeps the port and loses queue, history and the priority counter (files survive)', async () => {
    const s = await server({ timing: { stepMs: 20, nodeMs: 0, loadMs: 0 } })
    const port = s.port
    const c = await WsClient.connect(s, 'c')
    await postPrompt(s, { prompt: imageGraph('keep'), client_id: 'c', prompt_id: 'done-1' })
    await c.waitDone('done-1')
    await postPrompt(s, { prompt: samplerGraph(1, 100), client_id: 'c', prompt_id: 'running-1' })
    await postPrompt(s, { prompt: imageGraph('pending'), client_id: 'c', prompt_id: 'pending-1' })
    await c.waitFor((f) => f.type === 'progress' && f.data.prompt_id === 'running-1')
    await s.restart()
    expect(s.port).toBe(port)
    // Pooled keep-alive connections died with the old process: let the client notice before the next request.
    await delay(20)
    expect(await getJson(s, '/history')).toEqual({})
    expect(await getJson(s, '/queue')).toEqual({ queue_running: [], queue_pending: [] })
    const next = await postPrompt(s, { prompt: imageGraph('after'), prompt_id: 'after-1' })
    expect(next.json.number).toBe(0)
    expect((await fetch(`${s.url}/view?filename=keep_00001_.png`)).status).toBe(200)
    expect(s.stats().started).toMatchObject({ 'done-1': 1, 'running-1': 1 })
    expect(s.stats().executions['running-1']).toBeUndefined()
    c.close()
  })

  it('crash drops every connection and closes the port; restart() brings it back empty; stats survive', async () => {
    const s = await server({ timing: { stepMs: 20, nodeMs: 0, loadMs: 0 } })
    const c = await WsClient.connect(s, 'c')
    const closed = new Promise((r) => c.ws.once('close', r))
    await postPrompt(s, { prompt: samplerGraph(1, 100), client_id: 'c', prompt_id: 'x-1' })
    await c.waitFor((f) => f.type === 'progress')
    await s.crash()
    await closed
    expect(await portClosed(s.port)).toBe(true)
    expect(s.stats()).toMatchObject({ started: { 'x-1': 1 }, executions: {}, running: null, queueLength: 0 })
    await s.restart()
    await delay(20)
    expect(await getJson(s, '/queue')).toEqual({ queue_running: [], queue_pending: [] })
    expect(await getJson(s, '/history')).toEqual({})
    const c2 = await WsClient.connect(s, 'c')
    await postPrompt(s, { prompt: imageGraph('again'), client_id: 'c', prompt_id: 'x-2' })
    await c2.waitDone('x-2')
    expect(s.stats().executions).toEqual({ 'x-2': 1 })
    c2.close()
  })

  it('crashes and restarts through the /__sim control endpoint', async () => {
    const s = await server()
    const res = await postJson(s, '/__sim/crash', { restartAfterMs: 50 })
    expect(res.status).toBe(200)
    for (let i = 0; i < 20 && !(await portClosed(s.port)); i++) await delay(5)
    expect(await portClosed(s.port)).toBe(true)
    for (let i = 0; i < 50 && (await portClosed(s.port)); i++) await delay(20)
    await delay(20)
    expect((await fetch(`${s.url}/queue`)).status).toBe(200)
  })
})

describe('faults', () => {
  it('hang: connections are accepted but nothing answers until the hang is lifted', async () => {
    const s = await server()
    s.setFaults({ hang: true })
    const pending = fetch(`${s.url}/system_stats`)
    const timedOut = await fetch(`${s.url}/queue`, { signal: AbortSignal.timeout(150) }).then(
      () => false,
      () => true
    )
    expect(timedOut).toBe(true)
    expect((await getJson(s, '/__sim/faults')).hang).toBe(true)
    await postJson(s, '/__sim/faults/clear')
    expect((await pending).status).toBe(200)
  })

  it('hang freezes a running prompt; lifting it lets the prompt finish', async () => {
    const s = await server({ timing: { stepMs: 5, nodeMs: 0, loadMs: 0 } })
    const c = await WsClient.connect(s, 'c')
    await postPrompt(s, { prompt: samplerGraph(1, 20), client_id: 'c', prompt_id: 'h-1' })
    await c.waitFor((f) => f.type === 'progress')
    s.setFaults({ hang: true })
    const seen = c.frames.length
    await delay(120)
    expect(c.frames.length - seen).toBeLessThanOrEqual(3)
    expect(s.stats().running).toBe('h-1')
    s.clearFaults()
    await c.waitDone('h-1')
    expect(s.stats().executions['h-1']).toBe(1)
    c.close()
  })

  it('slowMs delays every answer; refusePrompt answers 503', async () => {
    const s = await server()
    await postJson(s, '/__sim/faults', { slowMs: 120 })
    const t0 = Date.now()
    await getJson(s, '/queue')
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100)
    await postJson(s, '/__sim/faults', { slowMs: 0, refusePrompt: true })
    expect((await postPrompt(s, { prompt: imageGraph() }).catch(() => ({ status: 503 }))).status).toBe(503)
    const bad = await postJson(s, '/__sim/faults', { slowMs: 'soon' })
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.text)).toEqual({ error: 'fault "slowMs" must be a number >= 0' })
  })

  it('drop-ws closes WebSockets while the server keeps running; no replay on reconnect', async () => {
    const s = await server()
    const c = await WsClient.connect(s, 'c')
    const closed = new Promise((r) => c.ws.once('close', r))
    expect((await postJson(s, '/__sim/drop-ws')).status).toBe(200)
    await closed
    await postPrompt(s, { prompt: imageGraph('dropped'), client_id: 'c', prompt_id: 'd-1' })
    for (let i = 0; i < 50 && !(await getJson(s, '/history/d-1'))['d-1']; i++) await delay(10)
    const again = await WsClient.connect(s, 'c')
    await delay(30)
    expect(again.types()).toEqual(['status'])
    again.close()
  })
})

describe('WebSocket reconnects (protocol §7.1)', () => {
  async function reuseId(perConnectionWsCleanup: boolean): Promise<string[]> {
    const s = await server({ perConnectionWsCleanup })
    const old = await WsClient.connect(s, 'dup')
    const fresh = await WsClient.connect(s, 'dup')
    const closed = new Promise((r) => old.ws.once('close', r))
    old.close()
    await closed
    await delay(20)
    await postPrompt(s, {
      prompt: imageGraph(`dup-${String(perConnectionWsCleanup)}`),
      client_id: 'dup',
      prompt_id: 'dup-1',
    })
    for (let i = 0; i < 50 && !(await getJson(s, '/history/dup-1'))['dup-1']; i++) await delay(10)
    await delay(20)
    fresh.close()
    return fresh.forPrompt('dup-1').map((f) => f.type)
  }

  it('baseline: an old socket closing after a same-id reconnect unregisters the new one', async () => {
    expect(await reuseId(false)).toEqual([])
  })

  it('perConnectionWsCleanup: the new socket keeps receiving', async () => {
    expect(await reuseId(true)).toContain('execution_success')
  })

  it('a client reconnecting during its running prompt gets executing {node} without prompt_id', async () => {
    const s = await server({ timing: { stepMs: 10, nodeMs: 0, loadMs: 0 } })
    const first = await WsClient.connect(s, 'again')
    await postPrompt(s, { prompt: samplerGraph(3, 40), client_id: 'again', prompt_id: 'rc-1' })
    await first.waitFor((f) => f.type === 'progress')
    const closed = new Promise((r) => first.ws.once('close', r))
    first.close()
    await closed
    await delay(20)
    const second = await WsClient.connect(s, 'again')
    const hello = await second.waitFor((f) => f.type === 'executing')
    expect(hello.data).toEqual({ node: '3' })
    await second.waitDone('rc-1')
    second.close()
  })
})

describe('farm', () => {
  it('two servers run independently and in parallel', async () => {
    const farm = await startFarm({ servers: 2, speeds: [1, 2], timing: { stepMs: 10, nodeMs: 0, loadMs: 0 } })
    try {
      const [a, b] = farm.servers as [SimServer, SimServer]
      expect(a.port).not.toBe(b.port)
      const ca = await WsClient.connect(a, 'c')
      const cb = await WsClient.connect(b, 'c')
      await Promise.all([
        postPrompt(a, { prompt: samplerGraph(1, 10), client_id: 'c', prompt_id: 'fa' }),
        postPrompt(b, { prompt: samplerGraph(1, 10), client_id: 'c', prompt_id: 'fb' }),
      ])
      await Promise.all([ca.waitDone('fa'), cb.waitDone('fb')])
      const [ia] = a.stats().busyIntervals
      const [ib] = b.stats().busyIntervals
      // Both ran at the same time (overlapping busy intervals), each on its own queue and history.
      expect(ia && ib && ia[0] < ib[1] && ib[0] < ia[1]).toBe(true)
      expect(Object.keys(await getJson(a, '/history'))).toEqual(['fa'])
      expect(Object.keys(await getJson(b, '/history'))).toEqual(['fb'])
      expect(farm.executionsByPrompt()).toEqual({ fa: 1, fb: 1 })
      const sa = await getJson<{ devices: Array<{ name: string }> }>(a, '/system_stats')
      const sb = await getJson<{ devices: Array<{ name: string }> }>(b, '/system_stats')
      expect(sa.devices[0]?.name).not.toBe(sb.devices[0]?.name)
      ca.close()
      cb.close()
    } finally {
      await farm.stop()
    }
  })
})

describe('information endpoints (protocol §6), /api prefix and origin check', () => {
  it('serves system_stats, features, models, embeddings and object_info in ComfyUI shape', async () => {
    const s = await server({
      models: { checkpoints: ['a.safetensors'], unet: ['flux.safetensors'], embeddings: ['neg.pt'] },
      device: { name: 'NVIDIA H100', vramTotal: 80e9, vramFree: 70e9 },
    })
    const stats = await getJson<{ system: Record<string, unknown>; devices: Array<Record<string, unknown>> }>(
      s,
      '/api/system_stats'
    )
    expect(stats.system.comfyui_version).toBe('0.3.64')
    expect(stats.devices).toHaveLength(1)
    expect(stats.devices[0]).toMatchObject({
      name: 'cuda:0 NVIDIA H100 : cudaMallocAsync',
      type: 'cuda',
      index: 0,
      vram_total: 80e9,
      vram_free: 70e9,
    })
    expect(await (await fetch(`${s.url}/features`)).text()).toBe(
      '{"supports_preview_metadata": true, "max_upload_size": 104857600.0}'
    )
    expect(await getJson(s, '/models/checkpoints')).toEqual(['a.safetensors'])
    expect(await getJson(s, '/api/models/unet')).toEqual(['flux.safetensors'])
    expect((await fetch(`${s.url}/models/nope`)).status).toBe(404)
    expect(await getJson(s, '/embeddings')).toEqual(['neg'])
    const all = await getJson<Record<string, Record<string, unknown>>>(s, '/object_info')
    expect(Object.keys(all.KSampler ?? {})).toEqual([
      'input',
      'input_order',
      'output',
      'output_is_list',
      'output_name',
      'name',
      'display_name',
      'description',
      'python_module',
      'category',
      'output_node',
      'output_tooltips',
    ])
    const text = await (await fetch(`${s.url}/object_info/EmptyImage`)).text()
    expect(text).toBe(
      '{"EmptyImage": {"input": {"required": {"width": ["INT", {"default": 512, "min": 1, "max": 16384, "step": 1}], ' +
        '"height": ["INT", {"default": 512, "min": 1, "max": 16384, "step": 1}], "batch_size": ["INT", {"default": 1, "min": 1, "max": 4096}], ' +
        '"color": ["INT", {"default": 0, "min": 0, "max": 16777215, "step": 1, "display": "color"}]}}, ' +
        '"input_order": {"required": ["width", "height", "batch_size", "color"]}, "output": ["IMAGE"], "output_is_list": [false], ' +
        '"output_name": ["IMAGE"], "name": "EmptyImage", "display_name": "EmptyImage", "description": "", "python_module": "nodes", ' +
        '"category": "image", "output_node": false}}'
    )
    const ks = await (await fetch(`${s.url}/object_info/KSampler`)).text()
    expect(ks).toContain(
      '"seed": ["INT", {"default": 0, "min": 0, "max": 18446744073709551615, "control_after_generate": true'
    )
    expect(ks).toContain('"cfg": ["FLOAT", {"default": 8.0, "min": 0.0, "max": 100.0, "step": 0.1, "round": 0.01')
    expect(await getJson(s, '/object_info/Nope')).toEqual({})
    const ckpt = (all.CheckpointLoaderSimple?.input as { required: { ckpt_name: unknown[] } }).required.ckpt_name
    expect(ckpt[0]).toEqual(['a.safetensors'])
  })

  it('refuses a browser Origin that does not match a loopback Host with 403, unless CORS is enabled', async () => {
    const s = await server()
    const h = { Origin: 'http://localhost:5173' }
    expect((await fetch(`${s.url}/queue`, { headers: h })).status).toBe(403)
    expect((await fetch(`${s.url}/queue`, { headers: { Origin: s.url } })).status).toBe(200)
    const cors = await server({ enableCorsHeader: '*' })
    const res = await fetch(`${cors.url}/queue`, { headers: h })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
  })

  it('answers unknown routes 404, wrong methods 405, malformed JSON 500', async () => {
    const s = await server()
    expect((await fetch(`${s.url}/nope`)).status).toBe(404)
    expect((await fetch(`${s.url}/ws`)).status).toBe(400)
    expect((await fetch(`${s.url}/queue`, { method: 'DELETE' })).status).toBe(405)
    expect((await fetch(`${s.url}/prompt`, { method: 'POST', body: '{bad' })).status).toBe(500)
    expect((await fetch(`${s.url}/interrupt`, { method: 'POST', body: '{bad' })).status).toBe(200)
  })
})

describe('its data folder', () => {
  it('removes the temp folder it made for itself when the process exits, and keeps one it was given', () => {
    const given = mkdtempSync(join(tmpdir(), 'sim-given-'))
    // The package is CommonJS: require() the TypeScript through tsx's loader.
    const script = `
      const { SimServer } = require(${JSON.stringify(join(__dirname, '..', 'server.ts'))})
      void (async () => {
        const own = new SimServer({ name: 'own' })
        const kept = new SimServer({ name: 'kept', dataDir: ${JSON.stringify(given)} })
        await own.start(); await kept.start()
        console.log(JSON.stringify([own.dataDir, kept.dataDir]))
        await own.stop(); await kept.stop()
      })()`
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' })
    expect(r.stderr).toBe('')
    const [own, kept] = JSON.parse(r.stdout) as [string, string]
    expect(own).toMatch(/comfy-sim-own-/)
    expect(existsSync(own)).toBe(false)
    expect(kept).toBe(given)
    expect(readdirSync(given).sort()).toEqual(['input', 'output', 'temp'])
    rmSync(given, { recursive: true })
  })
})
