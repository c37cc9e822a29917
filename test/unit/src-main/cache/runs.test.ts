import { existsSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Cache } from '../../../../src-main/cache'
import { newRun, pngBytes, storeOutput, withCache } from '../../../helpers/cache-fixtures'

let cache: Cache
let cleanup: () => void
beforeEach(() => {
  ;({ cache, cleanup } = withCache())
})
afterEach(() => cleanup())

describe('run repository', () => {
  it('stores a run and reads it back with prompt, workflow and models', () => {
    const workflow = { nodes: [], links: [] }
    cache.runs.insertRun(newRun('r1', { workflow, models: ['b.safetensors', 'a.safetensors', 'a.safetensors'] }))
    const run = cache.runs.getRun('r1')
    expect(run).toMatchObject({
      id: 'r1',
      status: 'pending',
      positive: 'a cat on a sofa',
      seed: 42,
      models: ['b.safetensors', 'a.safetensors'],
      workflow,
      outputs: [],
      attempt: 1,
    })
    expect(run?.prompt['1']?.class_type).toBe('EmptyImage')
    expect(cache.runs.getRun('nope')).toBeNull()
  })

  it('tracks status and progress, lists active runs and recent runs', () => {
    cache.runs.insertRun(newRun('a', { createdAt: 1 }))
    cache.runs.insertRun(newRun('b', { createdAt: 2 }))
    expect(
      cache.runs.updateRunStatus('a', {
        status: 'running',
        startedAt: 5,
        serverId: 's1',
        serverName: 'GPU 1',
        gpu: 'RTX',
      })
    ).toBe(true)
    expect(
      cache.runs.updateRunProgress('a', {
        progress: 0.5,
        currentNode: { id: '3', classType: 'KSampler' },
        nodeProgress: { value: 10, max: 20 },
      })
    ).toBe(true)
    expect(cache.runs.updateRunStatus('missing', { status: 'running' })).toBe(false)
    const a = cache.runs.getSummary('a')
    expect(a).toMatchObject({ status: 'running', startedAt: 5, serverName: 'GPU 1', progress: 0.5 })
    expect(a?.currentNode).toEqual({ id: '3', classType: 'KSampler' })
    expect(cache.runs.listActive().map((r) => r.id)).toEqual(['a', 'b'])
    cache.runs.updateRunStatus('b', { status: 'failed', error: { kind: 'execution', message: 'boom' } })
    expect(cache.runs.listActive().map((r) => r.id)).toEqual(['a'])
    expect(cache.runs.listRecent(10).map((r) => r.id)).toEqual(['b', 'a'])
    expect(cache.runs.getSummary('b')?.error).toEqual({ kind: 'execution', message: 'boom' })
  })

  it('finishes a run: outputs recorded, sizes read from the file, thumbnail file made', async () => {
    cache.runs.insertRun(newRun('r1'))
    const out = storeOutput(cache, await pngBytes(640, 320, 10))
    const done = await cache.finishRun('r1', { status: 'completed', finishedAt: 99, outputs: [out] })
    expect(done.ok).toBe(true)
    if (!done.ok) return
    expect(done.value).toMatchObject({ status: 'completed', outputsCount: 1, thumbHash: out.hash, progress: 1 })
    const run = cache.runs.getRun('r1')
    expect(run?.outputs).toEqual([{ ...out, width: 640, height: 320 }])
    const thumb = cache.findThumbnail(out.hash)
    expect(thumb).toMatch(new RegExp(`thumbs/${out.hash.slice(0, 2)}/${out.hash}\\.webp$`))
    expect(thumb && existsSync(thumb)).toBe(true)
  })

  it('an output whose size the worker read gets its thumbnail on first view, not at the end of its run', async () => {
    cache.runs.insertRun(newRun('r1'))
    const out = storeOutput(cache, await pngBytes(64, 32, 11), '9', { width: 64, height: 32 })
    expect((await cache.finishRun('r1', { status: 'completed', finishedAt: 9, outputs: [out] })).ok).toBe(true)
    expect(cache.runs.getRun('r1')?.outputs).toEqual([out])
    expect(cache.findThumbnail(out.hash)).toBeNull()
    const [first, second] = await Promise.all([cache.thumbnail(out.hash), cache.thumbnail(out.hash)])
    expect(first).toMatch(new RegExp(`thumbs/${out.hash.slice(0, 2)}/${out.hash}\\.webp$`))
    expect(second).toBe(first)
    expect(cache.findThumbnail(out.hash)).toBe(first)
    expect(await cache.thumbnail('c'.repeat(64))).toBeNull()
    expect(await cache.thumbnail('../../etc/passwd')).toBeNull()
  })

  it('keeps the prompt_id and attempt that produced the result (status of a finished run shows them)', async () => {
    cache.runs.insertRun(newRun('r1'))
    expect(cache.runs.getRun('r1')).toMatchObject({ promptId: null, attempt: 1 })
    const done = await cache.finishRun('r1', {
      status: 'completed',
      finishedAt: 9,
      outputs: [],
      promptId: '5b7c3c1e-0000-4000-8000-000000000001',
      attempt: 3,
    })
    expect(done.ok).toBe(true)
    expect(cache.runs.getRun('r1')).toMatchObject({ promptId: '5b7c3c1e-0000-4000-8000-000000000001', attempt: 3 })
  })

  it('refuses outputs whose file is not in the image store, and unknown runs', async () => {
    cache.runs.insertRun(newRun('r1'))
    const missing = await cache.finishRun('r1', {
      status: 'completed',
      finishedAt: 1,
      outputs: [{ ...storeOutput(cache, await pngBytes(4, 4, 1)), hash: 'f'.repeat(64) }],
    })
    expect(missing).toMatchObject({ ok: false, error: { code: 'cache/missing-image' } })
    expect(cache.runs.getSummary('r1')?.status).toBe('pending')
    const unknown = await cache.finishRun('ghost', { status: 'completed', finishedAt: 1, outputs: [] })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'cache/unknown-run' } })
  })

  it('stores an image once when two runs produce the same bytes', async () => {
    const bytes = await pngBytes(32, 32, 77)
    cache.runs.insertRun(newRun('r1'))
    cache.runs.insertRun(newRun('r2'))
    const o1 = storeOutput(cache, bytes)
    const o2 = storeOutput(cache, bytes, '12')
    expect(o1.hash).toBe(o2.hash)
    await cache.finishRun('r1', { status: 'completed', finishedAt: 1, outputs: [o1, o1] })
    await cache.finishRun('r2', { status: 'completed', finishedAt: 2, outputs: [o2] })
    expect(cache.runs.getRun('r1')?.outputs).toHaveLength(1)
    const files = cache.db.prepare('SELECT count(DISTINCT hash) AS n, count(*) AS rows FROM outputs').get()
    expect(files).toEqual({ n: 1, rows: 2 })
  })

  it('deletes a run but keeps image files another run still references', async () => {
    const shared = await pngBytes(16, 16, 1)
    const own = await pngBytes(16, 16, 2)
    cache.runs.insertRun(newRun('r1'))
    cache.runs.insertRun(newRun('r2'))
    const s1 = storeOutput(cache, shared)
    const o1 = storeOutput(cache, own, '10')
    await cache.finishRun('r1', { status: 'completed', finishedAt: 1, outputs: [s1, o1] })
    await cache.finishRun('r2', { status: 'completed', finishedAt: 2, outputs: [storeOutput(cache, shared)] })

    expect(cache.deleteRun('r1')).toEqual({ ok: true, value: null })
    expect(cache.runs.getRun('r1')).toBeNull()
    expect(cache.findImage(s1.hash)).not.toBeNull()
    expect(cache.findThumbnail(s1.hash)).not.toBeNull()
    expect(cache.findImage(o1.hash)).toBeNull()
    expect(cache.findThumbnail(o1.hash)).toBeNull()
    expect(existsSync(cache.images.imagePath(o1.hash, 'png'))).toBe(false)

    expect(cache.deleteRun('r2').ok).toBe(true)
    expect(existsSync(cache.images.imagePath(s1.hash, 'png'))).toBe(false)
    expect(cache.searchHistory({}).items).toEqual([])
    expect(cache.deleteRun('r2')).toMatchObject({ ok: false, error: { code: 'cache/unknown-run' } })
  })

  it('keeps video and undecodable outputs, listed without a thumbnail', async () => {
    cache.runs.insertRun(newRun('vid'))
    const videoBytes = Buffer.from('....ftypisom fake mp4 payload')
    const video = {
      ...storeOutput(cache, Buffer.alloc(0)),
      hash: cache.images.blobs.put(videoBytes, 'mp4'),
      format: 'mp4',
    }
    const broken = {
      ...storeOutput(cache, Buffer.alloc(0)),
      hash: cache.images.blobs.put(Buffer.from('not png'), 'png'),
    }
    const done = await cache.finishRun('vid', { status: 'completed', finishedAt: 1, outputs: [video, broken] })
    expect(done).toMatchObject({ ok: true, value: { outputsCount: 2 } })
    expect(await cache.thumbnail(video.hash)).toBeNull()
    expect(await cache.thumbnail(broken.hash)).toBeNull()
    expect(cache.findImage(video.hash)?.format).toBe('mp4')
    expect(
      cache
        .searchHistory({})
        .items.map((i) => i.format)
        .sort()
    ).toEqual(['mp4', 'png'])
    // Sizes the worker read from a header do not make the file decodable: still no thumbnail.
    const sized = { ...broken, width: 8, height: 8 }
    cache.runs.insertRun(newRun('sized'))
    expect((await cache.finishRun('sized', { status: 'completed', finishedAt: 2, outputs: [sized] })).ok).toBe(true)
    expect(await cache.thumbnail(sized.hash)).toBeNull()
  })

  it('keeps a truncated PNG (header readable, pixels not) without a thumbnail, and records the end', async () => {
    // bughunt/truncated-png-output-run-stuck-running: the metadata reads, the decode fails.
    cache.runs.insertRun(newRun('cut'))
    const whole = await pngBytes(256, 256, 200)
    const cut = whole.subarray(0, Math.floor(whole.length * 0.6))
    const output = { ...storeOutput(cache, Buffer.alloc(0)), hash: cache.images.blobs.put(cut, 'png') }
    const done = await cache.finishRun('cut', { status: 'completed', finishedAt: 1, outputs: [output] })
    expect(done).toMatchObject({ ok: true, value: { outputsCount: 1 } })
    expect(cache.runs.getRun('cut')?.status).toBe('completed')
    expect(cache.findThumbnail(output.hash)).toBeNull()
    expect(cache.findImage(output.hash)?.format).toBe('png')
  })
})
