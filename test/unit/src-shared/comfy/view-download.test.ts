/**
 * /view downloads against small local servers with the behaviours of the field cases: a slow but flowing
 * download (bughunt/slow-view-download-never-completes), a stalled one, an oversized one
 * (sec/view-unbounded-memory) and a redirect to another host (sec/redirect-followed).
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApplicationFailure } from '@temporalio/common'
import { afterEach, describe, expect, it } from 'vitest'
import { ComfyRefusedAnswer, ComfyUnreachableError } from '../../../../src-shared/comfy/errors'
import { ComfyHttpClient, type ComfyHttpOptions } from '../../../../src-shared/comfy/http-client'
import type { NodeOutput } from '../../../../src-shared/comfy/types'
import { BlobStore } from '../../../../src-shared/storage/blob-store'
import { storedIntact } from '../../../helpers/blob-integrity'
import { storeOutputs } from '../../../../src-worker/activities/outputs'

const servers: Server[] = []
const dirs: string[] = []

afterEach(() => {
  for (const s of servers.splice(0)) s.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function store(): BlobStore {
  const dir = mkdtempSync(join(tmpdir(), 'view-'))
  dirs.push(dir)
  return new BlobStore(dir)
}

const OUTPUT: Record<string, NodeOutput> = { '9': { images: [{ filename: 'out.mp4', subfolder: '', type: 'output' }] } }
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Sends `chunks` pieces of `size` bytes, `gapMs` apart; then ends, or stalls when `stallAfter` is reached. */
function trickle(chunks: number, size: number, gapMs: number, stallAfter = Infinity): RequestListener {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4' })
    void (async () => {
      for (let i = 0; i < chunks; i++) {
        if (i === stallAfter) return
        res.write(Buffer.alloc(size, i))
        await sleep(gapMs)
      }
      res.end()
    })()
  }
}

const client = (address: string, o: ComfyHttpOptions = {}): ComfyHttpClient => new ComfyHttpClient(address, o)

describe('/view downloads', () => {
  it('a slow but flowing download completes however long it takes, and is stored whole', async () => {
    // 30 chunks 60 ms apart (~2 s) against a 300 ms overall limit that once applied to the whole transfer.
    const address = await serve(trickle(30, 4096, 60))
    const blobs = store()
    const refs = await storeOutputs(client(address, { longTimeoutMs: 300, idleTimeoutMs: 1_500 }), blobs, OUTPUT)
    const expected = createHash('sha256')
    for (let i = 0; i < 30; i++) expected.update(Buffer.alloc(4096, i))
    expect(refs).toMatchObject([{ hash: expected.digest('hex'), bytes: 30 * 4096, format: 'mp4' }])
    expect(storedIntact(blobs, refs[0]!.hash, 'mp4')).toBe(true)
  })

  it('a download that goes silent fails as unreachable (the output fetch is retried) and leaves no file', async () => {
    const address = await serve(trickle(30, 4096, 10, 3))
    const blobs = store()
    const error = await storeOutputs(client(address, { idleTimeoutMs: 300 }), blobs, OUTPUT).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ComfyUnreachableError)
    expect((error as Error).message).toMatch(/no data for/)
    expect(readdirSync(blobs.root)).toEqual([])
  })

  it('a download whose server dies before the end fails as unreachable (retried) and leaves no file', async () => {
    const address = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(64 * 1024) })
      res.write(Buffer.alloc(16 * 1024, 3))
      setTimeout(() => res.socket?.destroy(), 20)
    })
    const blobs = store()
    const error = await storeOutputs(client(address), blobs, OUTPUT).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ComfyUnreachableError)
    expect(readdirSync(blobs.root)).toEqual([])
  })

  it.each([
    ['declared', true],
    ['chunked', false],
  ])('a file over the size cap (%s length) fails the run at once, naming the file', async (_kind, declared) => {
    const body = Buffer.alloc(300 * 1024, 7)
    const address = await serve((_req, res) => {
      res.writeHead(200, declared ? { 'content-length': String(body.length) } : {})
      res.end(body)
    })
    const blobs = store()
    const error = await storeOutputs(client(address, { maxDownloadBytes: 100 * 1024 }), blobs, OUTPUT).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(ApplicationFailure)
    expect(error).toMatchObject({ nonRetryable: true, type: 'ComfyOutputRefused' })
    expect((error as Error).message).toMatch(/out\.mp4 was not stored: .*more than the 100 KB accepted/)
    expect(readdirSync(blobs.root)).toEqual([])
  })

  it('a redirect to another host is not followed: nothing is fetched from it or stored', async () => {
    let hit = 0
    const other = await serve((_req, res) => {
      hit += 1
      res.end('internal secret')
    })
    const address = await serve((_req, res) => {
      res.writeHead(302, { location: `${other}/internal-secret.png` })
      res.end()
    })
    const blobs = store()
    const error = await storeOutputs(client(address), blobs, OUTPUT).catch((e: unknown) => e)
    expect(error).toMatchObject({ nonRetryable: true, type: 'ComfyOutputRefused' })
    expect((error as Error).message).toContain(`redirect to ${other}/internal-secret.png, which is not followed`)
    expect(hit).toBe(0)
    expect(readdirSync(blobs.root)).toEqual([])
    await expect(client(address).getQueue()).rejects.toBeInstanceOf(ComfyRefusedAnswer)
  })

  it('a JSON answer (queue, history) over the cap is refused, whatever its length header says', async () => {
    const address = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write(`{"queue_running":[],"queue_pending":[],"pad":"${'x'.repeat(4096)}"}`, () => res.end())
    })
    const error = await client(address, { maxJsonBytes: 1024 })
      .getQueue()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ComfyRefusedAnswer)
    expect((error as Error).message).toContain('GET /queue with an answer of over 1024 bytes')
    await expect(client(address).getQueue()).resolves.toMatchObject({ queue_running: [] })
  })
})
