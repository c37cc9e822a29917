import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { BlobStore } from '../../../../src-shared/storage/blob-store'

async function* chunksOf(bytes: Buffer, size: number, failAfter = Number.POSITIVE_INFINITY): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) {
    // Each chunk arrives later, as from a socket.
    await new Promise((r) => setImmediate(r))
    if (at >= failAfter) throw new Error('connection reset')
    yield bytes.subarray(at, at + size)
  }
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')
const bytesOf = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919) % 251))

describe('BlobStore.putStream', () => {
  test.each([
    ['a small file (held in memory)', 300_000, 64 * 1024],
    ['a file larger than what is held in memory (streamed to disk)', 5 * 1024 * 1024 + 17, 1024 * 1024],
  ])('stores %s under its sha256, with its size and first bytes', async (_what, size, chunk) => {
    const store = new BlobStore(mkdtempSync(join(tmpdir(), 'cf-blobs-')))
    const bytes = bytesOf(size)
    const stored = await store.putStream(chunksOf(bytes, chunk), 'png')
    expect(stored.hash).toBe(sha256(bytes))
    expect(stored.bytes).toBe(size)
    expect(stored.head.equals(bytes.subarray(0, 256 * 1024))).toBe(true)
    expect(readFileSync(store.pathOf(stored.hash, 'png')).equals(bytes)).toBe(true)
    expect(readdirSync(store.root).filter((f) => f.includes('.tmp'))).toEqual([])
  })

  test.each([
    ['before anything is written', 64 * 1024],
    ['after part of it went to disk', 5 * 1024 * 1024],
  ])('leaves nothing behind when the stream fails %s', async (_when, failAfter) => {
    const store = new BlobStore(mkdtempSync(join(tmpdir(), 'cf-blobs-')))
    const bytes = bytesOf(6 * 1024 * 1024)
    await expect(store.putStream(chunksOf(bytes, 1024 * 1024, failAfter), 'png')).rejects.toThrow('connection reset')
    expect(readdirSync(store.root)).toEqual([])
  })
})
