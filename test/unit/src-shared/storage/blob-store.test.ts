import { createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { BlobStore, STAGED_PREFIX } from '../../../../src-shared/storage/blob-store'

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

describe('BlobStore.stage', () => {
  const incoming = (store: BlobStore): string[] => readdirSync(store.root).filter((f) => f.startsWith(STAGED_PREFIX))

  test('holds a small file in memory and stores nothing until it is committed', async () => {
    const store = new BlobStore(mkdtempSync(join(tmpdir(), 'cf-blobs-')))
    const bytes = bytesOf(100_000)
    const staged = await store.stage(chunksOf(bytes, 30_000))
    expect(staged.memory?.equals(bytes)).toBe(true)
    expect(staged.hash).toBe(sha256(bytes))
    expect(readdirSync(store.root)).toEqual([])
    const stored = store.commit(staged, 'png')
    expect(readFileSync(store.pathOf(stored.hash, 'png')).equals(bytes)).toBe(true)
    expect(staged.memory).toBeNull()
  })

  test('stages on disk when the caller may not hold more, and a discarded file leaves nothing', async () => {
    const store = new BlobStore(mkdtempSync(join(tmpdir(), 'cf-blobs-')))
    const bytes = bytesOf(100_000)
    let allowed = 2
    const staged = await store.stage(chunksOf(bytes, 30_000), () => allowed-- > 0)
    expect(staged.memory).toBeNull()
    expect(staged.bytes).toBe(100_000)
    expect(staged.hash).toBe(sha256(bytes))
    expect(incoming(store)).toHaveLength(1)
    store.discard(staged)
    expect(readdirSync(store.root)).toEqual([])
  })

  test('a file staged on disk moves into the store under its hash when committed', async () => {
    const store = new BlobStore(mkdtempSync(join(tmpdir(), 'cf-blobs-')))
    const bytes = bytesOf(5 * 1024 * 1024 + 3)
    const staged = await store.stage(chunksOf(bytes, 1024 * 1024))
    expect(staged.tmp).not.toBeNull()
    const stored = store.commit(staged, 'mp4')
    expect(readFileSync(store.pathOf(stored.hash, 'mp4')).equals(bytes)).toBe(true)
    expect(incoming(store)).toEqual([])
  })

  test("sweeps the staged files of a process that is gone and keeps a live one's", () => {
    const store = new BlobStore(mkdtempSync(join(tmpdir(), 'cf-blobs-')))
    const gone = spawnSync(process.execPath, ['-e', '0']).pid
    writeFileSync(join(store.root, `${STAGED_PREFIX}${gone}-x.tmp`), 'left by a killed worker')
    writeFileSync(join(store.root, `${STAGED_PREFIX}${process.pid}-y.tmp`), 'still downloading')
    store.sweepStaged()
    expect(incoming(store)).toEqual([`${STAGED_PREFIX}${process.pid}-y.tmp`])
  })
})
