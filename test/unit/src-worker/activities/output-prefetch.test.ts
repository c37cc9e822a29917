import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { ImageRef } from '../../../../src-shared/comfy/types'
import { BlobStore, SPILL_BYTES, STAGED_PREFIX } from '../../../../src-shared/storage/blob-store'
import {
  OutputPrefetch,
  PREFETCH_BUDGET_BYTES,
  type PrefetchedFile,
} from '../../../../src-worker/activities/output-prefetch'

const image = (filename: string): ImageRef => ({ filename, subfolder: '', type: 'output' })

/** A server whose /view answers from `files` (404-like failure for any other name), counting requests. */
function fakeServer(files: Record<string, Uint8Array[]>): { views: string[]; client: OutputPrefetch['client'] } {
  const views: string[] = []
  const client: OutputPrefetch['client'] = {
    address: 'http://gpu:8188',
    view: async (file) => {
      views.push(file.filename)
      const chunks = files[file.filename]
      if (chunks === undefined) throw new Error(`404 ${file.filename}`)
      return await Promise.resolve({ contentType: 'image/png', chunks: fromArray(chunks) })
    },
  }
  return { views, client }
}

async function* fromArray(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield await Promise.resolve(chunk)
}

/** A fresh store in a temp dir; `incoming` lists its staged temp files. */
function store(): { blobs: BlobStore; incoming: () => string[] } {
  const blobs = new BlobStore(mkdtempSync(join(tmpdir(), 'cf-prefetch-')))
  return { blobs, incoming: () => readdirSync(blobs.root).filter((f) => f.startsWith(STAGED_PREFIX)) }
}

/** What history confirming the file stores: its bytes read back from the store. */
function committed(blobs: BlobStore, file: PrefetchedFile | null): string | null {
  if (file === null) return null
  const { hash } = blobs.commit(file.staged, 'png')
  return blobs.read(hash, 'png').toString('utf8')
}

describe('OutputPrefetch', () => {
  it('downloads each file an executed message names once, and hands it over once', async () => {
    const { views, client } = fakeServer({ 'a.png': [Buffer.from('ab'), Buffer.from('cd')] })
    const { blobs } = store()
    const prefetch = new OutputPrefetch(client, blobs)
    prefetch.start({ images: [image('a.png')] })
    prefetch.start({ images: [image('a.png')] })
    const first = await prefetch.take(image('a.png'))
    expect(first?.contentType).toBe('image/png')
    expect(committed(blobs, first)).toBe('abcd')
    expect(await prefetch.take(image('a.png'))).toBeNull()
    expect(views).toEqual(['a.png'])
  })

  it('has nothing for a file no executed message named, or one in another subfolder', async () => {
    const { views, client } = fakeServer({ 'a.png': [Buffer.from('a')] })
    const prefetch = new OutputPrefetch(client, store().blobs)
    prefetch.start({ images: [image('a.png')] })
    expect(await prefetch.take(image('b.png'))).toBeNull()
    expect(await prefetch.take({ ...image('a.png'), subfolder: 'x' })).toBeNull()
    expect(views).toEqual(['a.png'])
  })

  it('leaves a failed download to the confirmed path (null, no rejection)', async () => {
    const { client } = fakeServer({})
    const prefetch = new OutputPrefetch(client, store().blobs)
    prefetch.start({ images: [image('gone.png')] })
    expect(await prefetch.take(image('gone.png'))).toBeNull()
  })

  it('stages a file larger than the store holds in memory on disk, downloading it once', async () => {
    const { views, client } = fakeServer({ 'big.mp4': [new Uint8Array(SPILL_BYTES), Buffer.from('end')] })
    const { blobs, incoming } = store()
    const prefetch = new OutputPrefetch(client, blobs)
    prefetch.start({ gifs: [image('big.mp4')] })
    const big = await prefetch.take(image('big.mp4'))
    expect(big?.staged.memory).toBeNull()
    expect(incoming()).toHaveLength(1)
    expect(committed(blobs, big)?.endsWith('end')).toBe(true)
    expect(big?.staged.bytes).toBe(SPILL_BYTES + 3)
    expect(incoming()).toEqual([])
    expect(views).toEqual(['big.mp4'])
  })

  it('holds no more than its budget in memory at once, staging the rest on disk', async () => {
    const size = (SPILL_BYTES * 3) / 4
    const names = ['1', '2', '3', '4', '5', '6'].map((n) => `${n}.png`)
    const { views, client } = fakeServer({
      ...Object.fromEntries(names.map((n) => [n, [new Uint8Array(size)]])),
      'late.png': [new Uint8Array(size)],
    })
    const { blobs } = store()
    const prefetch = new OutputPrefetch(client, blobs)
    prefetch.start({ images: names.map(image) })
    const taken = await Promise.all(names.map((n) => prefetch.take(image(n))))
    expect(taken.every((d) => d !== null && d.staged.bytes === size)).toBe(true)
    const inMemory = taken.filter((d) => d?.staged.memory != null).length
    expect(inMemory).toBe(Math.floor(PREFETCH_BUDGET_BYTES / size))
    expect(inMemory).toBeLessThan(names.length)
    // Taken files no longer count: the next one is held in memory again.
    prefetch.start({ images: [image('late.png')] })
    expect((await prefetch.take(image('late.png')))?.staged.memory).not.toBeNull()
    expect(views).toEqual([...names, 'late.png'])
  })

  it('a download that fails half way gives its memory back to the budget', async () => {
    const size = PREFETCH_BUDGET_BYTES / 5
    async function* cutOff(): AsyncGenerator<Uint8Array> {
      yield await Promise.resolve(new Uint8Array(size))
      throw new Error('connection reset')
    }
    const names = ['1', '2', '3', '4', '5'].map((n) => `${n}.png`)
    const { client } = fakeServer(Object.fromEntries(names.map((n) => [n, [new Uint8Array(size)]])))
    const flaky: OutputPrefetch['client'] = {
      address: client.address,
      view: async (file) =>
        file.filename === 'cut.png' ? { contentType: 'image/png', chunks: cutOff() } : client.view(file),
    }
    const prefetch = new OutputPrefetch(flaky, store().blobs)
    prefetch.start({ images: [image('cut.png')] })
    expect(await prefetch.take(image('cut.png'))).toBeNull()
    // The whole budget is free again: five files of a fifth of it each are all held in memory.
    prefetch.start({ images: names.map(image) })
    const taken = await Promise.all(names.map((n) => prefetch.take(image(n))))
    expect(taken.map((d) => d?.staged.memory != null)).toEqual(names.map(() => true))
  })

  it('drops the files history did not name when disposed, and stops one still downloading', async () => {
    let release = (): void => undefined
    const gate = new Promise<void>((r) => (release = r))
    let lateRead = false
    let lateClosed = false
    async function* late(): AsyncGenerator<Uint8Array> {
      try {
        yield new Uint8Array(SPILL_BYTES + 1)
        await gate
        yield new Uint8Array(1)
        yield new Uint8Array(1)
        lateRead = true
      } finally {
        lateClosed = true
      }
    }
    const { client } = fakeServer({ 'a.mp4': [new Uint8Array(SPILL_BYTES + 1)] })
    const twoFiles: OutputPrefetch['client'] = {
      address: client.address,
      view: async (file) =>
        file.filename === 'b.mp4' ? { contentType: 'video/mp4', chunks: late() } : client.view(file),
    }
    const { blobs, incoming } = store()
    const prefetch = new OutputPrefetch(twoFiles, blobs)
    prefetch.start({ gifs: [image('a.mp4'), image('b.mp4')] })
    // a.mp4 staged, b.mp4 half way.
    await vi.waitFor(() => expect(incoming()).toHaveLength(2))
    prefetch.dispose()
    release()
    // The download under way is stopped, not read to its end, and its temp file removed.
    await vi.waitFor(() => expect(lateClosed && incoming().length === 0).toBe(true))
    expect(lateRead).toBe(false)
    expect(readdirSync(blobs.root)).toEqual([])
    expect(await prefetch.take(image('a.mp4'))).toBeNull()
  })

  it('ignores an executed message without output', async () => {
    const { views, client } = fakeServer({})
    const prefetch = new OutputPrefetch(client, store().blobs)
    prefetch.start(null)
    expect(await prefetch.take(image('a.png'))).toBeNull()
    expect(views).toEqual([])
  })
})
