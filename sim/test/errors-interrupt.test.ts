import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SimServer } from '../index'
import { delay, getJson, imageGraph, postJson, postPrompt, samplerGraph, startTestServer, WsClient } from './client'

function kinds(client: WsClient, promptId: string): string[] {
  return client
    .forPrompt(promptId)
    .map((f) => (f.type === 'executing' ? `executing:${String(f.data.node)}` : f.type))
    .filter((t) => t !== 'progress_state' && t !== 'progress')
}

describe('execution errors, interrupts and queue edits', () => {
  let server: SimServer
  let client: WsClient
  beforeEach(async () => {
    server = await startTestServer({ timing: { stepMs: 20, nodeMs: 0, loadMs: 0 } })
    client = await WsClient.connect(server, 'c')
  })
  afterEach(async () => {
    client.close()
    await server.stop()
  })

  it('sends execution_error (sequence C) for an injected OOM and records an error history entry', async () => {
    server.setFaults({
      errorAtNode: {
        classType: 'ImageScale',
        exceptionType: 'torch.OutOfMemoryError',
        message: 'Allocation on device ',
      },
    })
    await postPrompt(server, { prompt: imageGraph('err'), client_id: 'c', prompt_id: 'e-1' })
    await client.waitDone('e-1')
    expect(kinds(client, 'e-1')).toEqual([
      'execution_start',
      'execution_cached',
      'executing:1',
      'executing:2',
      'executing:3',
      'execution_error',
      'executing:null',
    ])
    const err = client.forPrompt('e-1').find((f) => f.type === 'execution_error')?.data
    expect(err).toMatchObject({
      prompt_id: 'e-1',
      node_id: '3',
      node_type: 'ImageScale',
      executed: ['1', '2'],
      exception_type: 'torch.OutOfMemoryError',
      current_outputs: ['1', '2'],
    })
    expect(err?.exception_message).toBe(
      'Allocation on device \nThis error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number.'
    )
    expect(Array.isArray(err?.traceback)).toBe(true)
    expect((err?.current_inputs as Record<string, unknown>).upscale_method).toEqual(['nearest-exact'])
    expect(typeof err?.timestamp).toBe('number')
    const h = await getJson<
      Record<string, { status: { status_str: string; completed: boolean; messages: unknown[][] } }>
    >(server, '/history/e-1')
    expect(h['e-1']?.status.status_str).toBe('error')
    expect(h['e-1']?.status.completed).toBe(false)
    expect(h['e-1']?.status.messages.map((m) => m[0])).toEqual([
      'execution_start',
      'execution_cached',
      'execution_error',
    ])
    expect(server.stats()).toMatchObject({ failed: 1, completed: 0, executions: {}, started: { 'e-1': 1 } })
    // Cleared fault: the same prompt now succeeds, re-running only the failed node onwards.
    server.clearFaults()
    await postPrompt(server, { prompt: imageGraph('err'), client_id: 'c', prompt_id: 'e-2' })
    await client.waitDone('e-2')
    expect(client.forPrompt('e-2').find((f) => f.type === 'execution_cached')?.data.nodes).toEqual(['1', '2'])
    expect(server.stats().executions['e-2']).toBe(1)
  })

  it('interrupts the running prompt by id (sequence D); a wrong id is a no-op', async () => {
    await postPrompt(server, { prompt: samplerGraph(1, 50), client_id: 'c', prompt_id: 'i-1' })
    await client.waitFor((f) => f.type === 'progress' && f.data.prompt_id === 'i-1')
    expect((await postJson(server, '/interrupt', { prompt_id: 'someone-else' })).status).toBe(200)
    await delay(50)
    expect(client.forPrompt('i-1').some((f) => f.type === 'execution_interrupted')).toBe(false)
    const res = await postJson(server, '/api/interrupt', { prompt_id: 'i-1' })
    expect(res).toEqual({ status: 200, text: '' })
    await client.waitDone('i-1')
    const seq = kinds(client, 'i-1')
    expect(seq.slice(-2)).toEqual(['execution_interrupted', 'executing:null'])
    expect(seq).not.toContain('execution_success')
    const intr = client.forPrompt('i-1').find((f) => f.type === 'execution_interrupted')?.data
    expect(intr).toMatchObject({
      prompt_id: 'i-1',
      node_id: '3',
      node_type: 'KSampler',
      executed: ['4', '6', '7', '5'],
    })
    const steps = client.forPrompt('i-1').filter((f) => f.type === 'progress').length
    expect(steps).toBeLessThan(50)
    const h = await getJson<Record<string, { status: { status_str: string; messages: unknown[][] } }>>(
      server,
      '/history/i-1'
    )
    expect(h['i-1']?.status.status_str).toBe('error')
    expect(h['i-1']?.status.messages.map((m) => m[0])).toContain('execution_interrupted')
    expect(server.stats().interrupted).toBe(1)
  })

  it('global interrupt (no body) stops the running prompt but never removes pending ones', async () => {
    await postPrompt(server, { prompt: samplerGraph(1, 50), client_id: 'c', prompt_id: 'g-1' })
    await postPrompt(server, { prompt: imageGraph('after-interrupt'), client_id: 'c', prompt_id: 'g-2' })
    await client.waitFor((f) => f.type === 'progress' && f.data.prompt_id === 'g-1')
    const res = await fetch(`${server.url}/interrupt`, { method: 'POST' })
    expect(res.status).toBe(200)
    await client.waitDone('g-2')
    expect(kinds(client, 'g-1')).toContain('execution_interrupted')
    expect(kinds(client, 'g-2')).toContain('execution_success')
  })

  it('an interrupt while idle is discarded and does not hit the next prompt', async () => {
    await postJson(server, '/interrupt')
    await postPrompt(server, { prompt: imageGraph('idle'), client_id: 'c', prompt_id: 'n-1' })
    await client.waitDone('n-1')
    expect(kinds(client, 'n-1')).toContain('execution_success')
  })

  it('deletes a pending prompt (sequence F: only a status broadcast, no history) and clears the queue', async () => {
    await postPrompt(server, { prompt: samplerGraph(1, 30), client_id: 'c', prompt_id: 'q-run' })
    await postPrompt(server, { prompt: imageGraph('q1'), client_id: 'c', prompt_id: 'q-1' })
    await postPrompt(server, { prompt: imageGraph('q2'), client_id: 'c', prompt_id: 'q-2' })
    await postPrompt(server, { prompt: imageGraph('q3'), client_id: 'c', prompt_id: 'q-3' })
    await client.waitFor((f) => f.type === 'progress' && f.data.prompt_id === 'q-run')
    const queue = await getJson<{ queue_running: unknown[][]; queue_pending: unknown[][] }>(server, '/queue')
    expect(queue.queue_running.map((i) => i[1])).toEqual(['q-run'])
    expect(queue.queue_pending.map((i) => i[1]).sort()).toEqual(['q-1', 'q-2', 'q-3'])
    expect(queue.queue_pending[0]?.length).toBe(5)
    const statusBefore = client.frames.filter((f) => f.type === 'status').length
    expect(await postJson(server, '/queue', { delete: ['q-2', 'q-run'] })).toEqual({ status: 200, text: '' })
    await client.waitFor(() => client.frames.filter((f) => f.type === 'status').length > statusBefore)
    const after = await getJson<{ queue_running: unknown[][]; queue_pending: unknown[][] }>(server, '/queue')
    expect(after.queue_running.map((i) => i[1])).toEqual(['q-run'])
    expect(after.queue_pending.map((i) => i[1]).sort()).toEqual(['q-1', 'q-3'])
    expect(await getJson(server, '/prompt')).toEqual({ exec_info: { queue_remaining: 3 } })
    await postJson(server, '/queue', { clear: true })
    await client.waitDone('q-run')
    await delay(30)
    expect(await getJson(server, '/history/q-2')).toEqual({})
    expect(await getJson(server, '/history/q-1')).toEqual({})
    expect(client.forPrompt('q-2')).toEqual([])
    expect(server.stats().queueLength).toBe(0)
  })

  it('runs front-of-queue and explicit numbers in heap order', async () => {
    await postPrompt(server, { prompt: samplerGraph(1, 10), client_id: 'c', prompt_id: 'o-0' })
    await postPrompt(server, { prompt: imageGraph('o1', 1), client_id: 'c', prompt_id: 'o-1' })
    const front = await postPrompt(server, {
      prompt: imageGraph('o2', 2),
      client_id: 'c',
      prompt_id: 'o-2',
      front: true,
    })
    expect(front.json.number).toBe(-2)
    const explicit = await postPrompt(server, {
      prompt: imageGraph('o3', 3),
      client_id: 'c',
      prompt_id: 'o-3',
      number: -10,
    })
    expect(explicit.json.number).toBe(-10)
    await client.waitDone('o-1')
    const starts = client.frames.filter((f) => f.type === 'execution_start').map((f) => f.data.prompt_id)
    expect(starts).toEqual(['o-0', 'o-3', 'o-2', 'o-1'])
  })

  it('history: list with max_items/offset, delete and clear', async () => {
    for (const id of ['h-1', 'h-2', 'h-3']) {
      await postPrompt(server, { prompt: imageGraph(id, id.length + Number(id[2])), client_id: 'c', prompt_id: id })
      await client.waitDone(id)
    }
    expect(Object.keys(await getJson(server, '/history'))).toEqual(['h-1', 'h-2', 'h-3'])
    expect(Object.keys(await getJson(server, '/history?max_items=2'))).toEqual(['h-2', 'h-3'])
    expect(Object.keys(await getJson(server, '/history?max_items=1&offset=1'))).toEqual(['h-2'])
    expect((await fetch(`${server.url}/history?max_items=x`)).status).toBe(500)
    await postJson(server, '/history', { delete: ['h-2'] })
    expect(Object.keys(await getJson(server, '/history'))).toEqual(['h-1', 'h-3'])
    await postJson(server, '/history', { clear: true })
    expect(await getJson(server, '/history')).toEqual({})
  })
})
