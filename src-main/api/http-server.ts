import { createReadStream } from 'node:fs'
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { RequestChannel, RestAnswer } from '../../src-shared/contract'
import { REQUEST_CHANNELS } from '../../src-shared/contract'
import type { BridgeEvents, BridgeHandlers } from '../core/bridge-handlers'
import { HIGH_FREQUENCY_EVENTS } from '../core/bridge-handlers'
import { ApiAuth, assertSameOrigin } from './auth'
import { EventsSocket } from './events-socket'
import { HttpError, readJson, Router, sendError, sendJson } from './http-util'
import { StaticFiles } from './static-files'

/** Resolves a cached image (or its thumbnail) by content hash to a file on disk. */
export interface ImageFiles {
  /** A thumbnail may be made on the way (the first time it is asked for). */
  resolve(hash: string, kind: 'full' | 'thumb'): Promise<{ path: string; mime: string } | null>
}

export interface ApiServerOptions {
  host: string
  port: number
  token: string
  staticDir: string | null
  bridge: BridgeHandlers
  events: BridgeEvents
  images: ImageFiles
  /** Extra (REST) routes for scripts, mounted at the root. */
  routes?: (router: Router) => void
}

/** Bridge bodies are small JSON; dropped workflow files are base64 inside (50 MB limit plus overhead). */
const BRIDGE_BODY_LIMIT = 80 * 1024 * 1024
const HASH_RE = /^[0-9a-f]{64}$/
const CHANNELS: ReadonlySet<string> = new Set(REQUEST_CHANNELS)
export const LOGIN_PATH = '/login'

const page = (title: string, body: string): string =>
  `<!doctype html><meta charset="utf-8"><title>ComfyFleet: ${title}</title><h1>${title}</h1><p>${body}</p>`
/** How to get a session, with this server's own address in the command (data dir: the token's home). */
const howToSignIn = (url: string): string =>
  'Open the one-time link ComfyFleet printed when it started (<code>ComfyFleet is ready: open …/login?code=…</code>), ' +
  'or ask for a new one with the API token: <code>curl -X POST -H "Authorization: Bearer $(cat &lt;data dir&gt;/api-token)" ' +
  `${url}/auth/login-link</code>.`
const signInPage = (url: string): string => page('Sign in to ComfyFleet', howToSignIn(url))
const usedLinkPage = (url: string): string =>
  page('This sign-in link is not valid', `Each link works once. ${howToSignIn(url)}`)

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'",
  })
  res.end(html)
}

/**
 * The local HTTP server of headless mode (and of the desktop app when the local API is on):
 * the built renderer, the renderer bridge (`POST /api/bridge/<channel>`, `WS /api/events`),
 * images by hash, and the REST API for scripts. Binds to 127.0.0.1 unless told otherwise.
 */
export class ApiServer {
  private readonly server: Server
  private readonly auth: ApiAuth
  private readonly socket = new EventsSocket()
  private readonly router = new Router()
  private readonly statics: StaticFiles | null
  private unsubscribe: (() => void) | null = null
  private allowedHosts = new Set<string>()
  url = ''

  constructor(private readonly opts: ApiServerOptions) {
    this.auth = new ApiAuth(opts.token)
    this.statics = opts.staticDir ? new StaticFiles(opts.staticDir) : null
    this.router.add('POST', '/api/bridge/:channel', (req, res, p) => this.bridge(req, res, p.channel!))
    this.router.add('GET', '/api/images/:hash', (_req, res, p) => this.image(res, p.hash!, 'full'))
    this.router.add('GET', '/api/thumbs/:hash', (_req, res, p) => this.image(res, p.hash!, 'thumb'))
    // A token holder (the CLI, a script) asks for a browser login link: single use, like the printed one.
    this.router.add('POST', '/auth/login-link', (_req, res) => {
      const answer: RestAnswer<'POST /auth/login-link'> = { url: this.loginUrl() }
      sendJson(res, 201, answer)
      return Promise.resolve()
    })
    opts.routes?.(this.router)
    this.server = createServer((req, res) => void this.handle(req, res))
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head))
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(this.opts.port, this.opts.host, () => resolve())
    })
    const { port } = this.server.address() as AddressInfo
    const hostForUrl = this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host
    this.url = `http://${hostForUrl}:${port}`
    this.allowedHosts = new Set([`${hostForUrl}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`])
    this.unsubscribe = this.opts.events.subscribe((channel, payload) =>
      this.socket.broadcast({ channel, payload }, HIGH_FREQUENCY_EVENTS.has(channel))
    )
    return this.url
  }

  /** A one-time link that signs a browser in (headless prints one at start). */
  loginUrl(): string {
    return `${this.url}${LOGIN_PATH}?code=${this.auth.mintLoginCode()}`
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      assertSameOrigin(req, this.allowedHosts)
      const url = new URL(req.url ?? '/', this.url)
      if (url.pathname === LOGIN_PATH && req.method === 'GET') return this.login(res, url)
      const route = this.router.match(req.method ?? 'GET', url.pathname)
      if (route) {
        this.auth.assertAuthorized(req, url, { allowQueryToken: false })
        await route.handler(req, res, route.params, url)
        return
      }
      if (url.pathname.startsWith('/api/'))
        throw new HttpError(404, 'request/not-found', `No API route ${url.pathname}`)
      if (!this.statics || (req.method !== 'GET' && req.method !== 'HEAD')) {
        throw new HttpError(404, 'request/not-found', `Nothing at ${url.pathname}`)
      }
      this.serveUi(req, res, url)
    } catch (e) {
      if (!res.headersSent) sendError(res, e)
      else res.destroy()
    }
  }

  /** The UI's code is public; its page is only served to a signed-in browser (else: how to sign in). */
  private serveUi(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const file = this.statics!.resolve(url.pathname)
    if (StaticFiles.isHtml(file) && !this.auth.hasSession(req)) return sendHtml(res, 401, signInPage(this.url))
    this.statics!.serve(file, res)
  }

  /** Trades a one-time code for an HttpOnly, SameSite=Strict session cookie, then opens the UI. */
  private login(res: ServerResponse, url: URL): void {
    const cookie = this.auth.redeemLoginCode(url.searchParams.get('code') ?? '')
    if (!cookie) return sendHtml(res, 401, usedLinkPage(this.url))
    res.writeHead(303, { location: '/', 'set-cookie': cookie, 'cache-control': 'no-store' })
    res.end()
  }

  private async bridge(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    if (!CHANNELS.has(channel))
      throw new HttpError(404, 'bridge/unknown-channel', `Unknown bridge channel ${JSON.stringify(channel)}`)
    const params = await readJson(req, BRIDGE_BODY_LIMIT)
    const handler = this.opts.bridge[channel as RequestChannel] as (p: unknown) => Promise<unknown>
    sendJson(res, 200, await handler(params))
  }

  private async image(res: ServerResponse, hash: string, kind: 'full' | 'thumb'): Promise<void> {
    if (!HASH_RE.test(hash))
      throw new HttpError(400, 'images/bad-hash', 'An image is addressed by its sha256 (64 hex characters)')
    const found = await this.opts.images.resolve(hash, kind)
    if (!found)
      throw new HttpError(404, 'images/not-found', `No cached ${kind === 'thumb' ? 'thumbnail' : 'image'} ${hash}`)
    res.writeHead(200, {
      'content-type': found.mime,
      'cache-control': 'private, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    })
    await new Promise<void>((resolve) => {
      const stream = createReadStream(found.path)
      stream.on('error', () => {
        res.destroy()
        resolve()
      })
      stream.on('end', () => resolve())
      stream.pipe(res)
    })
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    try {
      assertSameOrigin(req, this.allowedHosts)
      const url = new URL(req.url ?? '/', this.url)
      if (url.pathname !== '/api/events') throw new HttpError(404, 'request/not-found', 'No WebSocket here')
      this.auth.assertAuthorized(req, url, { allowQueryToken: true })
      this.socket.handleUpgrade(req, socket, head)
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nconnection: close\r\n\r\n`)
    }
  }

  async close(): Promise<void> {
    this.unsubscribe?.()
    this.socket.close()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeAllConnections()
  }
}
