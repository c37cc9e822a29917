/**
 * SimServer: one simulated ComfyUI "GPU" server — HTTP (node:http) + WebSocket (ws) on one port, with
 * lifecycle controls (start/stop/crash/restart) and fault injection for tests, benchmarks and demos.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { resolveModels } from './catalog/object-info'
import { SimCore } from './core'
import { comfyRoutes } from './net/comfy-routes'
import { hostileFrames } from './net/hostile-frames'
import type { Route, RouteContext } from './net/comfy-routes'
import { controlRoutes } from './net/control-routes'
import { BodyTooLarge, empty, internalError, readBody, text } from './net/http-util'
import type { Reply } from './net/http-util'
import { originRejected } from './net/origin-check'
import type { SimFaults, SimServerOptions, SimStats } from './types'
import { noFaults } from './types'
import { scratchDataDir } from './state/scratch-dir'

const MAX_UPLOAD = 100 * 1024 * 1024

interface CompiledRoute extends Route {
  regex: RegExp
  names: string[]
}

function compile(routes: Route[]): CompiledRoute[] {
  return routes.map((r) => {
    const names: string[] = []
    const pattern = r.path.replace(/\{(\w+)\}/g, (_, n: string) => {
      names.push(n)
      return '([^/]+)'
    })
    return { ...r, regex: new RegExp(`^${pattern}$`), names }
  })
}

/** A simulated ComfyUI server. See sim/README section in the report for the protocol it speaks. */
export class SimServer {
  private readonly core: SimCore
  private readonly host: string
  private readonly requestedPort: number
  private readonly corsOrigin: string | undefined
  private readonly routes: CompiledRoute[]
  private readonly control: CompiledRoute[]
  private http: Server | null = null
  private readonly sockets = new Set<Socket>()
  private held: Array<() => void> = []
  private boundPort = 0
  readonly name: string

  constructor(opts: SimServerOptions = {}) {
    this.name = opts.name ?? 'sim'
    this.host = opts.host ?? '127.0.0.1'
    this.requestedPort = opts.port ?? 0
    this.corsOrigin = opts.enableCorsHeader
    const vramTotal = opts.device?.vramTotal ?? 25_757_220_864
    const deviceName = opts.device?.name ?? `NVIDIA GeForce RTX 4090 (${this.name})`
    this.core = new SimCore({
      name: this.name,
      speed: opts.speed ?? 1,
      timing: {
        stepMs: opts.timing?.stepMs ?? 10,
        nodeMs: opts.timing?.nodeMs ?? 1,
        loadMs: opts.timing?.loadMs ?? 30,
      },
      previews: opts.previews ?? false,
      models: resolveModels(opts.models),
      device: {
        name: deviceName.startsWith('cuda:') ? deviceName : `cuda:0 ${deviceName} : cudaMallocAsync`,
        vramTotal,
        vramFree: opts.device?.vramFree ?? Math.round(vramTotal * 0.92),
      },
      vram: opts.vram ?? null,
      uuidPromptIds: opts.uuidPromptIds ?? false,
      perConnectionWsCleanup: opts.perConnectionWsCleanup ?? false,
      comfyuiVersion: opts.comfyuiVersion ?? null,
      ignoreClientPromptId: opts.ignoreClientPromptId ?? false,
      globalInterruptOnly: opts.globalInterruptOnly ?? false,
      dataDir: opts.dataDir ?? scratchDataDir(this.name),
    })
    this.routes = compile(comfyRoutes(this.core))
    this.control = compile(controlRoutes(this))
  }

  /** The port listened on (the requested one before start()). */
  get port(): number {
    return this.boundPort || this.requestedPort
  }

  /** Base URL, e.g. http://127.0.0.1:8188 */
  get url(): string {
    const h = this.host.includes(':') ? `[${this.host}]` : this.host
    return `http://${h}:${this.port}`
  }

  /** Folder holding output/, input/ and temp/. */
  get dataDir(): string {
    return this.core.files.root
  }

  /** Listen; resolves when ready. Temp is wiped as ComfyUI's cleanup_temp does at start. */
  async start(): Promise<void> {
    if (this.http) return
    this.core.files.wipeTemp()
    this.core.files.resetCounters()
    const server = createServer((req, res) => this.onRequest(req, res))
    server.keepAliveTimeout = 5000
    server.on('connection', (s) => {
      this.sockets.add(s)
      s.on('close', () => this.sockets.delete(s))
    })
    server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.boundPort || this.requestedPort, this.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const addr = server.address()
    if (addr && typeof addr === 'object') this.boundPort = addr.port
    this.http = server
    // sharp takes ~1 s to load its native part: warm it before the first preview frame.
    if (this.core.config.previews) void import('sharp').catch(() => undefined)
    this.core.startWorker()
  }

  /** Graceful close: stop taking work, close sockets and the port. */
  async stop(): Promise<void> {
    await this.shutdown(false)
  }

  /** Abruptly destroy every socket, close the port, lose queue + history + running prompt (stats survive). */
  async crash(): Promise<void> {
    await this.shutdown(true)
  }

  /** Start again on the SAME port with empty queue/history (like a real restart); also usable after crash(). */
  async restart(): Promise<void> {
    if (this.http) await this.shutdown(true)
    await this.start()
  }

  setFaults(f: Partial<SimFaults>): void {
    const wasHung = this.core.faults.hang
    this.core.setFaults(f)
    if (wasHung && !this.core.faults.hang) this.releaseHeld()
  }

  clearFaults(): void {
    this.setFaults(noFaults())
  }

  /** Current faults (copy). */
  faults(): SimFaults {
    return { ...this.core.faults }
  }

  /** Close all WS connections (server keeps running). */
  dropWebSockets(): void {
    this.core.ws.dropAll()
  }

  /** Sends every open socket a burst of malformed frames (see net/hostile-frames.ts); the server keeps running. */
  sendHostileFrames(): void {
    for (const frame of hostileFrames(this.core.stats().running)) this.core.ws.sendRaw(frame, null)
  }

  stats(): SimStats {
    return this.core.stats()
  }

  resetStats(): void {
    this.core.resetStats()
  }

  private async shutdown(abrupt: boolean): Promise<void> {
    const server = this.http
    this.http = null
    this.core.resetVolatile()
    this.core.ws.closeAll()
    this.held = []
    if (!server) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    if (abrupt) for (const s of this.sockets) s.destroy()
    else server.closeAllConnections()
    for (const s of this.sockets) s.destroy()
    this.sockets.clear()
    await closed
  }

  private releaseHeld(): void {
    const held = this.held
    this.held = []
    for (const h of held) h()
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== '/ws' && url.pathname !== '/api/ws') {
      socket.destroy()
      return
    }
    if (this.core.faults.hang) {
      this.held.push(() => this.onUpgrade(req, socket, head))
      return
    }
    if (this.corsOrigin === undefined && originRejected(req.headers.host, req.headers.origin)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n')
      return
    }
    this.core.ws.upgrade(req, socket, head, url)
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname.startsWith('/__sim/')) {
      void this.dispatch(req, res, url, this.control, url.pathname)
      return
    }
    if (this.core.faults.hang) {
      // Accept but never answer (until the hang is lifted, like a process resumed after SIGSTOP).
      this.held.push(() => this.onRequest(req, res))
      return
    }
    const path = url.pathname.startsWith('/api/') ? url.pathname.slice(4) : url.pathname
    void this.dispatch(req, res, url, this.routes, path)
  }

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    routes: CompiledRoute[],
    path: string
  ): Promise<void> {
    const isControl = routes === this.control
    let reply: Reply
    if (!isControl && this.corsOrigin === undefined && originRejected(req.headers.host, req.headers.origin)) {
      reply = empty(403)
    } else if (req.method === 'OPTIONS') {
      reply = empty(200)
    } else {
      reply = await this.route(req, url, routes, path)
    }
    const slow = isControl ? 0 : this.core.faults.slowMs + this.routeDelay(req.method, path)
    if (slow > 0) await new Promise((r) => setTimeout(r, slow))
    this.send(res, reply)
  }

  /** The per-route slowness faults (GET /queue, GET /history…). */
  private routeDelay(method: string | undefined, path: string): number {
    if (method === 'POST' && path === '/prompt') return this.core.faults.slowPostPromptMs
    if (method !== 'GET') return 0
    if (path === '/queue') return this.core.faults.slowQueueMs
    if (path === '/history' || path.startsWith('/history/')) return this.core.faults.slowHistoryMs
    if (path === '/view') return this.core.faults.slowViewMs
    return 0
  }

  private async route(req: IncomingMessage, url: URL, routes: CompiledRoute[], path: string): Promise<Reply> {
    let methodMismatch = false
    for (const r of routes) {
      const m = r.regex.exec(path)
      if (!m) continue
      if (r.method !== req.method && !(r.method === 'GET' && req.method === 'HEAD')) {
        methodMismatch = true
        continue
      }
      const params: Record<string, string> = {}
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] ?? '')))
      let body: Promise<Buffer> | null = null
      const ctx: RouteContext = {
        url,
        params,
        headers: req.headers,
        port: this.port,
        body: () => (body ??= readBody(req, MAX_UPLOAD)),
      }
      try {
        return await r.handler(ctx)
      } catch (ex) {
        if (ex instanceof BodyTooLarge) return text(413, `Maximum request body size ${MAX_UPLOAD} exceeded`)
        return internalError()
      }
    }
    return methodMismatch ? text(405, '405: Method Not Allowed') : text(404, '404: Not Found')
  }

  private send(res: ServerResponse, reply: Reply): void {
    if (res.destroyed) return
    const headers: Record<string, string> = { ...reply.headers }
    if (this.corsOrigin !== undefined) {
      headers['Access-Control-Allow-Origin'] = this.corsOrigin
      headers['Access-Control-Allow-Methods'] = 'POST, GET, DELETE, PUT, OPTIONS'
      headers['Access-Control-Allow-Headers'] = 'Content-Type, Authorization'
      headers['Access-Control-Allow-Credentials'] = 'true'
    }
    const body = reply.body ?? ''
    headers['Content-Length'] = String(Buffer.byteLength(body))
    res.writeHead(reply.status, headers)
    res.end(body)
  }

  /** @internal control endpoints need the core. */
  get internals(): SimCore {
    return this.core
  }
}
