/**
 * The simulator's unkind modes: real servers that are slow on some routes, write history late or lose
 * it, older versions (own prompt_id, global-only interrupt), and a hostile server spoofing history.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { SimServer } from '../index'
import { getJson, imageGraph, postJson, postPrompt, samplerGraph, startTestServer, WsClient } from './client'

type History = Record<string, { status: { status_str: string }; outputs: Record<string, unknown> }>
type Queue = { queue_running: unknown[][]; queue_pending: unknown[][] }

describe('unkind server modes', () => {
  let server: SimServer | null = null
  let client: WsClient | null = null
  afterEach(async () => {
    client?.close()
    await server?.stop()
    server = client = null
  })

  it('late-history: execution_success comes first, the prompt stays running until history is written', async () => {
    server = await startTestServer()
    client = await WsClient.connect(server, 'c')
    server.setFaults({ historyDelayMs: 400 })
    await postPrompt(server, { prompt: imageGraph('late'), client_id: 'c', prompt_id: 'late-1' })
    await client.waitFor((f) => f.type === 'execution_success' && f.data.prompt_id === 'late-1')
    expect(await getJson<History>(server, '/history/late-1')).toEqual({})
    const queue = await getJson<Queue>(server, '/queue')
    expect(queue.queue_running.map((i) => i[1])).toEqual(['late-1'])
    await client.waitDone('late-1')
    const history = await getJson<History>(server, '/history/late-1')
    expect(history['late-1']?.status.status_str).toBe('success')
  })

  it('forget-history: the prompt runs and reports success but leaves no history entry', async () => {
    server = await startTestServer()
    client = await WsClient.connect(server, 'c')
    server.setFaults({ forgetHistory: true })
    await postPrompt(server, { prompt: imageGraph('gone'), client_id: 'c', prompt_id: 'gone-1' })
    await client.waitDone('gone-1')
    expect(client.forPrompt('gone-1').some((f) => f.type === 'executed')).toBe(true)
    expect(await getJson<History>(server, '/history/gone-1')).toEqual({})
    expect(server.stats().executions['gone-1']).toBe(1)
  })

  it('slow-queue delays GET /queue only', async () => {
    server = await startTestServer()
    server.setFaults({ slowQueueMs: 600 })
    const t0 = Date.now()
    await getJson(server, '/history/none')
    const historyMs = Date.now() - t0
    const t1 = Date.now()
    await getJson(server, '/queue')
    expect(Date.now() - t1).toBeGreaterThanOrEqual(550)
    expect(historyMs).toBeLessThan(550)
  })

  it('an old server ignores the client prompt_id and answers with its own', async () => {
    server = await startTestServer({ ignoreClientPromptId: true, comfyuiVersion: '0.3.40' })
    const answer = await postPrompt(server, { prompt: imageGraph('old'), client_id: 'c', prompt_id: 'mine-1' })
    expect(answer.status).toBe(200)
    expect(answer.json.prompt_id).not.toBe('mine-1')
    expect(answer.json.prompt_id).toMatch(/^[0-9a-f-]{36}$/)
    const stats = await getJson<{ system: { comfyui_version: string } }>(server, '/system_stats')
    expect(stats.system.comfyui_version).toBe('0.3.40')
  })

  it('an old server interrupts whatever runs, whatever prompt_id the body names', async () => {
    server = await startTestServer({ globalInterruptOnly: true, timing: { stepMs: 30, nodeMs: 0, loadMs: 0 } })
    client = await WsClient.connect(server, 'c')
    await postPrompt(server, { prompt: samplerGraph(1, 40), client_id: 'c', prompt_id: 'a' })
    await client.waitFor((f) => f.type === 'progress' && f.data.prompt_id === 'a')
    await postJson(server, '/interrupt', { prompt_id: 'some-other-prompt' })
    await client.waitDone('a')
    expect(client.forPrompt('a').some((f) => f.type === 'execution_interrupted')).toBe(true)
  })

  it('spoof-history answers success for a prompt it never received', async () => {
    server = await startTestServer()
    server.setFaults({ spoofHistory: true })
    const history = await getJson<History>(server, '/history/never-sent')
    expect(history['never-sent']?.status.status_str).toBe('success')
    expect(server.stats().accepted).toBe(0)
  })

  it('names a bad fault value', async () => {
    server = await startTestServer()
    const bad = await postJson(server, '/__sim/faults', { historyDelayMs: -1 })
    expect(bad.status).toBe(400)
    expect(bad.text).toMatch(/historyDelayMs/)
  })
})
