import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SimServer } from '../index'
import { getJson, imageGraph, postPrompt, samplerGraph, startTestServer, WsClient } from './client'

/** Message types for one prompt, without progress_state (asserted separately). */
function sequence(client: WsClient, promptId: string): string[] {
  return client
    .forPrompt(promptId)
    .map((f) => (f.type === 'executing' || f.type === 'executed' ? `${f.type}:${String(f.data.node)}` : f.type))
    .filter((t) => t !== 'progress_state')
}

describe('normal and cached runs (protocol §7.4 A and B)', () => {
  let server: SimServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.stop()
  })

  it('sends sequence A to the submitting client, then history holds the entry', async () => {
    const client = await WsClient.connect(server, 'client-a')
    const res = await postPrompt(server, { prompt: imageGraph('seq-a'), client_id: client.sid, prompt_id: 'p-a' })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ prompt_id: 'p-a', number: 0, node_errors: {} })
    await client.waitDone('p-a')
    expect(sequence(client, 'p-a')).toEqual([
      'execution_start',
      'execution_cached',
      'executing:1',
      'executing:2',
      'executing:3',
      'executing:4',
      'executed:4',
      'execution_success',
      'executing:null',
    ])
    const types = client.types()
    // status(greeting), status(put), status(take) … execution … status(done) right before executing null.
    expect(types.slice(0, 3)).toEqual(['status', 'status', 'status'])
    expect(types.slice(-2)).toEqual(['status', 'executing'])
    const executed = client.forPrompt('p-a').find((f) => f.type === 'executed')
    expect(executed?.data.output).toEqual({ images: [{ filename: 'seq-a_00001_.png', subfolder: '', type: 'output' }] })
    // progress_state brackets every node: running before executing, finished after executed.
    const withState = client.forPrompt('p-a').map((f) => f.type)
    expect(withState.slice(2, 5)).toEqual(['progress_state', 'executing', 'progress_state'])
    const last = client
      .forPrompt('p-a')
      .filter((f) => f.type === 'progress_state')
      .pop()
    expect(Object.keys(last?.data.nodes as object)).toEqual(['1', '2', '3', '4'])

    const history = await getJson<Record<string, Record<string, unknown>>>(server, '/history/p-a')
    const entry = history['p-a']
    expect(entry?.status).toMatchObject({ status_str: 'success', completed: true })
    expect(entry?.outputs).toEqual({ '4': executed?.data.output })
    expect(entry?.meta).toEqual({ '4': { node_id: '4', display_node: '4', parent_node: null, real_node_id: '4' } })
    const prompt = entry?.prompt as unknown[]
    expect(prompt.slice(0, 2)).toEqual([0, 'p-a'])
    expect(prompt[3]).toEqual({ client_id: client.sid })
    expect(prompt[4]).toEqual(['4'])
    const events = (entry?.status as { messages: Array<[string, { timestamp: number }]> }).messages.map((m) => m[0])
    expect(events).toEqual(['execution_start', 'execution_cached', 'execution_success'])
    client.close()
  })

  it('answers an identical resubmission from the cache (sequence B) with the old filenames', async () => {
    const client = await WsClient.connect(server)
    const first = await postPrompt(server, { prompt: imageGraph('cached'), client_id: client.sid, prompt_id: 'c-1' })
    expect(first.status).toBe(200)
    await client.waitDone('c-1')
    await postPrompt(server, { prompt: imageGraph('cached'), client_id: client.sid, prompt_id: 'c-2' })
    await client.waitDone('c-2')
    expect(sequence(client, 'c-2')).toEqual([
      'execution_start',
      'execution_cached',
      'executed:4',
      'execution_success',
      'executing:null',
    ])
    const cached = client.forPrompt('c-2').find((f) => f.type === 'execution_cached')
    expect(cached?.data.nodes).toEqual(['1', '2', '3', '4'])
    const out1 = client.forPrompt('c-1').find((f) => f.type === 'executed')?.data.output
    const out2 = client.forPrompt('c-2').find((f) => f.type === 'executed')?.data.output
    expect(out2).toEqual(out1)
    const h = await getJson<Record<string, { outputs: unknown }>>(server, '/history/c-2')
    expect(h['c-2']?.outputs).toEqual({ '4': out1 })
    expect(server.stats().executions['c-2']).toBe(1)
    client.close()
  })

  it('reports sampler progress per step and runs only what changed (partial cache)', async () => {
    const client = await WsClient.connect(server)
    await postPrompt(server, { prompt: samplerGraph(1, 4, 'samp'), client_id: client.sid, prompt_id: 's-1' })
    await client.waitDone('s-1')
    // Per step: progress_state (registry update) then progress, as main.py's hook sends them.
    const sampler = client.forPrompt('s-1').filter((f) => f.data.node === '3' || f.type === 'progress_state')
    const afterExecuting = sampler.slice(sampler.findIndex((f) => f.type === 'executing'))
    expect(afterExecuting.slice(1, 5).map((f) => f.type)).toEqual([
      'progress_state',
      'progress',
      'progress_state',
      'progress',
    ])
    const progress = client.forPrompt('s-1').filter((f) => f.type === 'progress')
    expect(progress.map((f) => [f.data.value, f.data.max, f.data.node])).toEqual([
      [1, 4, '3'],
      [2, 4, '3'],
      [3, 4, '3'],
      [4, 4, '3'],
    ])
    // A new seed re-runs only the sampler and what follows it.
    await postPrompt(server, { prompt: samplerGraph(2, 4, 'samp'), client_id: client.sid, prompt_id: 's-2' })
    await client.waitDone('s-2')
    const cached = client.forPrompt('s-2').find((f) => f.type === 'execution_cached')?.data.nodes
    expect(cached).toEqual(['4', '5', '6', '7'])
    expect(sequence(client, 's-2').filter((t) => t.startsWith('executing:'))).toEqual([
      'executing:3',
      'executing:8',
      'executing:9',
      'executing:null',
    ])
    const out = client.forPrompt('s-2').find((f) => f.type === 'executed')?.data.output
    expect(out).toEqual({ images: [{ filename: 'samp_00002_.png', subfolder: '', type: 'output' }] })
    client.close()
  })
})

describe('routing by client_id (protocol §7.3)', () => {
  let server: SimServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.stop()
  })

  it('sends execution messages only to the submitter; others see status broadcasts', async () => {
    const a = await WsClient.connect(server, 'alice')
    const b = await WsClient.connect(server, 'bob')
    await postPrompt(server, { prompt: samplerGraph(7, 2, 'route'), client_id: 'alice', prompt_id: 'r-1' })
    await a.waitDone('r-1')
    await b.waitFor(
      (f) =>
        f.type === 'status' &&
        (f.data.status as { exec_info: { queue_remaining: number } }).exec_info.queue_remaining === 0 &&
        b.frames.length > 2
    )
    expect(new Set(b.types())).toEqual(new Set(['status']))
    expect(a.types()).toContain('progress')
    a.close()
    b.close()
  })

  it('without client_id: only progress, progress_state and status are broadcast; no executing/executed', async () => {
    const watcher = await WsClient.connect(server)
    await postPrompt(server, { prompt: samplerGraph(8, 2, 'anon'), prompt_id: 'r-2' })
    await watcher.waitFor((f) => f.type === 'progress' && f.data.prompt_id === 'r-2' && f.data.value === 2)
    // Wait for completion through history (no executing null is sent without a client).
    for (let i = 0; i < 100 && !(await getJson(server, '/history/r-2'))['r-2']; i++)
      await new Promise((r) => setTimeout(r, 20))
    const kinds = new Set(watcher.forPrompt('r-2').map((f) => f.type))
    expect(kinds).toEqual(new Set(['progress', 'progress_state']))
    watcher.close()
  })

  it('does not replay missed messages to a client that connects later', async () => {
    await postPrompt(server, { prompt: imageGraph('late', 5), client_id: 'latecomer', prompt_id: 'r-3' })
    for (let i = 0; i < 100 && !(await getJson(server, '/history/r-3'))['r-3']; i++)
      await new Promise((r) => setTimeout(r, 20))
    const late = await WsClient.connect(server, 'latecomer')
    await new Promise((r) => setTimeout(r, 50))
    expect(late.types()).toEqual(['status'])
    expect(late.frames[0]?.data).toEqual({ status: { exec_info: { queue_remaining: 0 } }, sid: 'latecomer' })
    late.close()
  })

  it('answers feature_flags and sends type-4 previews to clients that negotiated them', async () => {
    const previewServer = await startTestServer({ previews: true })
    try {
      const legacy = await WsClient.connect(previewServer, 'legacy')
      const modern = await WsClient.connect(previewServer, 'modern', { supports_preview_metadata: true })
      const flags = await modern.waitFor((f) => f.type === 'feature_flags')
      expect(flags.data).toEqual({ supports_preview_metadata: true, max_upload_size: 104857600 })
      await postPrompt(previewServer, { prompt: samplerGraph(1, 2, 'pv'), client_id: 'modern', prompt_id: 'pv-1' })
      await modern.waitDone('pv-1')
      const bins = modern.frames.filter((f) => f.type === 'binary')
      expect(bins.map((f) => f.event)).toEqual([4, 4])
      const frame = bins[0]?.bytes ?? Buffer.alloc(0)
      const metaLen = frame.readUInt32BE(4)
      const meta = JSON.parse(frame.subarray(8, 8 + metaLen).toString('utf8')) as Record<string, unknown>
      expect(meta).toMatchObject({ node_id: '3', prompt_id: 'pv-1', display_node_id: '3', real_node_id: '3' })
      expect(legacy.frames.filter((f) => f.type === 'binary')).toEqual([])
      await postPrompt(previewServer, { prompt: samplerGraph(2, 2, 'pv'), client_id: 'legacy', prompt_id: 'pv-2' })
      await legacy.waitDone('pv-2')
      const legacyBins = legacy.frames.filter((f) => f.type === 'binary')
      expect(legacyBins.map((f) => f.event)).toEqual([1, 1])
      expect([1, 2]).toContain(legacyBins[0]?.bytes?.readUInt32BE(4))
      legacy.close()
      modern.close()
    } finally {
      await previewServer.stop()
    }
  })
})
