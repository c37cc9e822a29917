import { describe, expect, it } from 'vitest'
import type { Download } from '../../../../src-shared/comfy/http-client'
import type { ImageRef } from '../../../../src-shared/comfy/types'
import { SPILL_BYTES } from '../../../../src-shared/storage/blob-store'
import { OutputPrefetch, PREFETCH_BUDGET_BYTES } from '../../../../src-worker/activities/output-prefetch'

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

async function bytesOf(download: Download | null): Promise<string | null> {
  if (download === null) return null
  const parts: Uint8Array[] = []
  for await (const chunk of download.chunks) parts.push(chunk)
  return Buffer.concat(parts).toString('utf8')
}

describe('OutputPrefetch', () => {
  it('downloads each file an executed message names once, and hands it over once', async () => {
    const { views, client } = fakeServer({ 'a.png': [Buffer.from('ab'), Buffer.from('cd')] })
    const prefetch = new OutputPrefetch(client)
    prefetch.start({ images: [image('a.png')] })
    prefetch.start({ images: [image('a.png')] })
    const first = await prefetch.take(image('a.png'))
    expect(first?.contentType).toBe('image/png')
    expect(await bytesOf(first)).toBe('abcd')
    expect(await prefetch.take(image('a.png'))).toBeNull()
    expect(views).toEqual(['a.png'])
  })

  it('has nothing for a file no executed message named, or one in another subfolder', async () => {
    const { views, client } = fakeServer({ 'a.png': [Buffer.from('a')] })
    const prefetch = new OutputPrefetch(client)
    prefetch.start({ images: [image('a.png')] })
    expect(await prefetch.take(image('b.png'))).toBeNull()
    expect(await prefetch.take({ ...image('a.png'), subfolder: 'x' })).toBeNull()
    expect(views).toEqual(['a.png'])
  })

  it('leaves a failed download to the confirmed path (null, no rejection)', async () => {
    const { client } = fakeServer({})
    const prefetch = new OutputPrefetch(client)
    prefetch.start({ images: [image('gone.png')] })
    expect(await prefetch.take(image('gone.png'))).toBeNull()
  })

  it('leaves a file larger than the store holds in memory to the confirmed path', async () => {
    const { client } = fakeServer({ 'big.mp4': [new Uint8Array(SPILL_BYTES), new Uint8Array(1)] })
    const prefetch = new OutputPrefetch(client)
    prefetch.start({ gifs: [image('big.mp4')] })
    expect(await prefetch.take(image('big.mp4'))).toBeNull()
  })

  it('holds no more than its budget at once, and takes more once files are handed over', async () => {
    const size = (SPILL_BYTES * 3) / 4
    const names = ['1', '2', '3', '4', '5', '6'].map((n) => `${n}.png`)
    const { client } = fakeServer({
      ...Object.fromEntries(names.map((n) => [n, [new Uint8Array(size)]])),
      'late.png': [new Uint8Array(size)],
    })
    const prefetch = new OutputPrefetch(client)
    prefetch.start({ images: names.map(image) })
    const taken = await Promise.all(names.map((n) => prefetch.take(image(n))))
    const kept = taken.filter((d) => d !== null).length
    expect(kept).toBe(Math.floor(PREFETCH_BUDGET_BYTES / size))
    expect(kept).toBeLessThan(names.length)
    prefetch.start({ images: [image('late.png')] })
    expect(await prefetch.take(image('late.png'))).not.toBeNull()
  })

  it('ignores an executed message without output', async () => {
    const { views, client } = fakeServer({})
    const prefetch = new OutputPrefetch(client)
    prefetch.start(null)
    expect(await prefetch.take(image('a.png'))).toBeNull()
    expect(views).toEqual([])
  })
})
