import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { mkdtempSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OutputRef } from '../../../../src-shared/contract/runs'
import { ImageStore } from '../../../../src-main/cache/image-store'
import { fetchMissingOutputs } from '../../../../src-main/runs/output-fetch'

let png: Buffer
let server: Server
let address: string
const served = new Map<string, Buffer>()

beforeAll(async () => {
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3a6' } })
    .png()
    .toBuffer()
  served.set('good.png', png)
  served.set('other.png', Buffer.from('not the bytes the run made'))
  server = createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').searchParams.get('filename') ?? ''
    const body = served.get(name)
    res.writeHead(body ? 200 : 404, { 'content-type': 'image/png' }).end(body ?? '')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((r) => server.close(() => r())))

function output(filename: string, bytes: Buffer): OutputRef {
  const hash = createHash('sha256').update(bytes).digest('hex')
  return { hash, nodeId: '9', filename, subfolder: '', type: 'output', format: 'png', width: 8, height: 8, bytes: 1 }
}

describe('fetchMissingOutputs', () => {
  it('fetches an output the store lacks from the server /view, then has nothing left to fetch', async () => {
    const images = new ImageStore(mkdtempSync(join(tmpdir(), 'fetch-')))
    const out = output('good.png', png)
    expect(await fetchMissingOutputs(images, address, [out])).toEqual({ ok: true, value: 1 })
    expect(images.hasImage(out.hash, 'png')).toBe(true)
    expect(await fetchMissingOutputs(images, null, [out])).toEqual({ ok: true, value: 0 })
  })

  it('refuses bytes that do not hash to the recorded output, and stores nothing', async () => {
    const images = new ImageStore(mkdtempSync(join(tmpdir(), 'fetch-')))
    const out = { ...output('good.png', png), filename: 'other.png' }
    const r = await fetchMissingOutputs(images, address, [out])
    expect(r.ok ? null : r.error.code).toBe('runs/output-mismatch')
    expect(images.hasImage(out.hash, 'png')).toBe(false)
  })

  it('names the output and the server when the server cannot give it, or when the address is unknown', async () => {
    const images = new ImageStore(mkdtempSync(join(tmpdir(), 'fetch-')))
    const out = output('gone.png', png)
    const r = await fetchMissingOutputs(images, address, [out])
    expect(r.ok ? null : r.error.message).toContain(`gone.png of node 9 could not be fetched from ${address}`)
    const unknown = await fetchMissingOutputs(images, null, [out])
    expect(unknown.ok ? null : unknown.error.code).toBe('runs/outputs-unreachable')
  })
})
