/**
 * The HTTP transport under the ComfyUI client and the SDK, against small local servers: kept-alive
 * connections, the two kinds of time limit, a reused connection the server had closed, and refusals.
 */
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { httpCall, readAll } from '../../../../src-shared/net/http-transport'

const servers: Server[] = []

afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    s.close()
  }
})

interface Served {
  url: string
  /** Connections the server accepted, in order. */
  connections: Socket[]
}

async function serve(handler: RequestListener): Promise<Served> {
  const server = createServer(handler)
  servers.push(server)
  const connections: Socket[] = []
  server.on('connection', (socket) => connections.push(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const text = async (url: string, call = {}): Promise<string> => (await readAll(await httpCall(url, call))).toString()

describe('httpCall', () => {
  it('answers status, headers and body, and keeps the connection for the next call', async () => {
    const s = await serve((req, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-method': req.method ?? '' })
      req.pipe(res)
    })
    const answer = await httpCall(`${s.url}/a`, { method: 'POST', body: '{"n":1}' })
    expect(answer).toMatchObject({ status: 201, ok: true })
    expect(answer.header('Content-Type')).toBe('application/json')
    expect(answer.header('x-method')).toBe('POST')
    expect(answer.header('x-none')).toBeNull()
    expect((await readAll(answer)).toString()).toBe('{"n":1}')
    expect(await text(`${s.url}/b`, { method: 'POST', body: 'second' })).toBe('second')
    expect(s.connections).toHaveLength(1)
  })

  it('a 4xx or 5xx is an answer, not an error', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(503)
      res.end('busy')
    })
    const answer = await httpCall(s.url)
    expect(answer).toMatchObject({ status: 503, ok: false })
    expect((await readAll(answer)).toString()).toBe('busy')
  })

  it('a redirect is handed back, never followed', async () => {
    let followed = 0
    const other = await serve((_req, res) => {
      followed += 1
      res.end('secret')
    })
    const s = await serve((_req, res) => {
      res.writeHead(302, { location: `${other.url}/secret` })
      res.end()
    })
    const answer = await httpCall(s.url)
    expect(answer.status).toBe(302)
    expect(answer.header('location')).toBe(`${other.url}/secret`)
    expect(followed).toBe(0)
  })

  it('a late answer fails with a TimeoutError within the call limit', async () => {
    const s = await serve((_req, res) => void setTimeout(() => res.end('late'), 1_000))
    const error = await httpCall(s.url, { timeoutMs: 100 }).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'TimeoutError', message: 'no answer within 100 ms' })
  })

  it('the call limit covers the body too: a body still coming when it ends fails its reader', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200)
      res.write('a')
      setTimeout(() => res.end('b'), 1_000)
    })
    const answer = await httpCall(s.url, { timeoutMs: 150 })
    await expect(readAll(answer)).rejects.toMatchObject({ name: 'TimeoutError' })
  })

  it('an idle limit cuts only silence: a slow flowing body completes, a stalled one fails', async () => {
    const trickle =
      (chunks: number): RequestListener =>
      (_req, res) => {
        res.writeHead(200)
        void (async () => {
          for (let i = 0; i < chunks; i++) {
            res.write('x')
            await sleep(60)
          }
          if (chunks === 10) res.end()
        })()
      }
    const flowing = await serve(trickle(10))
    expect(await text(flowing.url, { idleTimeoutMs: 250 })).toBe('x'.repeat(10))
    const stalled = await serve(trickle(3))
    const answer = await httpCall(stalled.url, { idleTimeoutMs: 250 })
    await expect(readAll(answer)).rejects.toMatchObject({ name: 'TimeoutError', message: 'no data for 0 s' })
  })

  it('a body cut off before its declared end fails its reader: a truncated file is never taken as whole', async () => {
    for (const headers of [{ 'content-length': '1000' }, {}]) {
      const s = await serve((_req, res) => {
        res.writeHead(200, headers) // no length: chunked, whose missing last chunk tells the same
        res.write(Buffer.alloc(500, 1))
        setTimeout(() => res.socket?.destroy(), 20)
      })
      const answer = await httpCall(s.url)
      await expect(readAll(answer)).rejects.toMatchObject({ code: 'ECONNRESET' })
    }
  })

  it('an idle limit ends with its call: the connection, kept, serves the next call after the limit', async () => {
    const s = await serve((_req, res) => res.end('ok'))
    expect(await text(s.url, { idleTimeoutMs: 100 })).toBe('ok')
    await sleep(250)
    expect(await text(s.url)).toBe('ok')
    expect(s.connections).toHaveLength(1)
  })

  it('a reused connection the server had closed is sent once more on a new one, body and all', async () => {
    const bodies: string[] = []
    const s = await serve((req, res) => {
      // The second request on the first connection: the server has "closed" it, as an idle one would be.
      if (req.socket === s.connections[0] && bodies.length === 1) return void req.socket.destroy()
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString())
        res.end('ok')
      })
    })
    expect(await text(s.url, { method: 'POST', body: 'one' })).toBe('ok')
    expect(await text(s.url, { method: 'POST', body: 'two' })).toBe('ok')
    expect(bodies).toEqual(['one', 'two'])
    expect(s.connections).toHaveLength(2)
  })

  it('a new connection reset before any answer is an error (not sent again)', async () => {
    let requests = 0
    const s = await serve((req) => {
      requests += 1
      req.socket.destroy()
    })
    const error = await httpCall(s.url).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ECONNRESET' })
    expect(requests).toBe(1)
  })

  it('a refused connection names its cause', async () => {
    const s = await serve(() => undefined)
    const url = s.url
    servers.splice(0).forEach((server) => server.close())
    const error = await httpCall(url).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ECONNREFUSED' })
    expect((error as Error).message).toContain('ECONNREFUSED')
  })

  it('cancel() stops the transfer and closes its connection', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200)
      res.write('start')
    })
    const answer = await httpCall(s.url)
    const closed = new Promise<void>((resolve) => s.connections[0]!.once('close', () => resolve()))
    answer.cancel()
    await closed
  })

  it('refuses a protocol it does not speak', async () => {
    await expect(httpCall('ftp://127.0.0.1/x')).rejects.toThrow('unsupported protocol ftp:')
  })
})
