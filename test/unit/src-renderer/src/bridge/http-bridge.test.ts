import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { createHttpBridge } from '../../../../../src-renderer/src/bridge/http-bridge'

/** Node 20 has no global WebSocket: adapt `ws` to the browser shape the bridge uses (text frames as strings). */
class BrowserLikeSocket {
  onopen: (() => void) | null = null
  onclose: (() => void) | null = null
  onerror: (() => void) | null = null
  onmessage: ((e: { data: unknown }) => void) | null = null
  private readonly ws: WebSocket
  constructor(url: string) {
    this.ws = new WebSocket(url)
    this.ws.on('open', () => this.onopen?.())
    this.ws.on('close', () => this.onclose?.())
    this.ws.on('error', () => this.onerror?.())
    this.ws.on('message', (data: Buffer, isBinary: boolean) =>
      this.onmessage?.({ data: isBinary ? data : data.toString('utf8') })
    )
  }
  close(): void {
    this.ws.close()
  }
}

let server: Server | null = null
let wss: WebSocketServer | null = null
const seen: { url: string; body: string; credentials?: RequestCredentials }[] = []

async function startServer(port = 0): Promise<string> {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      seen.push({ url: req.url ?? '', body })
      if (req.url === '/api/bridge/servers:list') return res.end(JSON.stringify([{ id: 's1' }]))
      if (req.url === '/api/bridge/app:info') {
        res.writeHead(401, { 'content-type': 'application/json' })
        return res.end(JSON.stringify({ error: { code: 'auth/required', message: 'Missing or wrong API token' } }))
      }
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { code: 'bridge/unknown-channel', message: 'Unknown bridge channel "nope"' } }))
    })
  })
  wss = new WebSocketServer({ server, path: '/api/events' })
  await new Promise<void>((r) => server!.listen(port, '127.0.0.1', () => r()))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function stopServer(): Promise<void> {
  for (const c of wss?.clients ?? []) c.terminate()
  wss?.close()
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
  server = null
}

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

afterEach(async () => {
  await stopServer()
  seen.length = 0
})

describe('http bridge against a real HTTP + WebSocket server', () => {
  test('invoke posts JSON to /api/bridge/<channel> and answers the JSON result', async () => {
    const base = await startServer()
    const bridge = createHttpBridge(base, { WebSocket: BrowserLikeSocket as unknown as typeof globalThis.WebSocket })
    try {
      await expect(bridge.invoke('servers:list', undefined)).resolves.toEqual([{ id: 's1' }])
      expect(seen[0]).toMatchObject({ url: '/api/bridge/servers:list', body: 'null' })
      await expect(bridge.invoke('runs:get', { id: 'nope' })).rejects.toThrow(/Unknown bridge channel/)
      expect(bridge.imageUrl('ab'.repeat(32), 'thumb')).toBe(`${base}/api/thumbs/${'ab'.repeat(32)}`)
      expect(bridge.imageUrl('ab'.repeat(32), 'full')).toBe(`${base}/api/images/${'ab'.repeat(32)}`)
    } finally {
      bridge.close()
    }
  })

  test('events arrive per channel, and the socket reconnects after the server restarts', async () => {
    const base = await startServer()
    const port = Number(new URL(base).port)
    const bridge = createHttpBridge(base, { WebSocket: BrowserLikeSocket as unknown as typeof globalThis.WebSocket })
    const got: unknown[] = []
    const off = bridge.on('runs:progress', (p) => got.push(p))
    try {
      await until(() => bridge.connection.get() === 'open')
      const frame = { channel: 'runs:progress', payload: { runId: 'r1', progress: 0.5 } }
      for (const c of wss!.clients) {
        c.send('not json')
        c.send(JSON.stringify({ channel: 'servers:changed', payload: [] }))
        c.send(JSON.stringify(frame))
      }
      await until(() => got.length === 1)
      expect(got[0]).toEqual(frame.payload)

      await stopServer()
      await until(() => bridge.connection.get() !== 'open')
      await startServer(port)
      await until(() => bridge.connection.get() === 'open')
      for (const c of wss!.clients) c.send(JSON.stringify(frame))
      await until(() => got.length === 2)
      off()
    } finally {
      bridge.close()
    }
  })

  test('a 401 (the session is gone after a restart) hands over to the sign-in page', async () => {
    const base = await startServer()
    let signedOut = 0
    const bridge = createHttpBridge(base, {
      WebSocket: BrowserLikeSocket as unknown as typeof globalThis.WebSocket,
      onUnauthorized: () => signedOut++,
    })
    try {
      await expect(bridge.invoke('app:info', undefined)).rejects.toMatchObject({ status: 401 })
      expect(signedOut).toBe(1)
      await bridge.invoke('servers:list', undefined)
      await expect(bridge.invoke('runs:get', { id: 'nope' })).rejects.toThrow(/Unknown bridge channel/)
      expect(signedOut).toBe(1)
    } finally {
      bridge.close()
    }
  })
})
