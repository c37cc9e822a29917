/**
 * WebSocket side of a simulated server (ComfyUI 0.3.64 server.py websocket_handler / send_sync).
 *
 * - The sid→socket map behaves like the baseline: a reconnect with the same clientId replaces the entry
 *   without closing the old socket, and when the old socket later closes its cleanup removes the entry,
 *   which then points at the new socket (the [B] bug; clients should close the old socket first).
 * - Broadcast goes to every socket in the sid map.
 * - No buffering: a message for a sid that is not connected is dropped.
 * - Frames are json.dumps({"type", "data"}) text, binary previews as in protocol.py.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type WebSocket from 'ws'
import { pyDumps, PyFloat } from '../py/py-json'
import type { Dumpable } from '../py/py-json'

/** Server feature flags (comfy_api/feature_flags.py in 0.3.64). */
export const SERVER_FEATURES: Record<string, Dumpable> = {
  supports_preview_metadata: true,
  max_upload_size: new PyFloat(104857600),
}

/** Binary event types (protocol.py BinaryEventTypes). */
export const BinaryEvent = { PREVIEW_IMAGE: 1, TEXT: 3, PREVIEW_IMAGE_WITH_METADATA: 4 } as const

export interface WsHubHooks {
  /** Status sent on connect. */
  status(): Dumpable
  /** If this sid runs the current prompt and a node executes, its id (for the reconnect "executing"). */
  lastNodeFor(sid: string): string | null
  /** True while the server is hung: frames are not sent. */
  frozen(): boolean
  /** [N] behaviour: a closing socket only removes its own sid entry. */
  perConnectionCleanup: boolean
}

export class WsHub {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  private readonly sockets = new Map<string, WebSocket>()
  private readonly clientFlags = new Map<WebSocket, Record<string, unknown>>()
  private readonly all = new Set<WebSocket>()
  /** Frames posted while hung are delivered on resume (a frozen process sends nothing, then catches up). */
  private held: Array<() => void> = []

  constructor(private readonly hooks: WsHubHooks) {}

  /** Handle an HTTP upgrade for /ws or /api/ws. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnect(ws, url.searchParams.get('clientId')))
  }

  private onConnect(ws: WebSocket, clientId: string | null): void {
    const sid = clientId ? clientId : randomUUID().replace(/-/g, '')
    this.sockets.set(sid, ws)
    this.all.add(ws)
    this.clientFlags.set(ws, {})
    let first = true
    ws.on('message', (data, isBinary) => {
      const wasFirst = first
      first = false
      if (isBinary || !wasFirst) return
      this.onFirstMessage(ws, data)
    })
    ws.on('close', () => {
      // Baseline cleanup pops the sid whatever socket it points at now; [N] only removes its own entry.
      if (!this.hooks.perConnectionCleanup || this.sockets.get(sid) === ws) this.sockets.delete(sid)
      this.all.delete(ws)
      this.clientFlags.delete(ws)
    })
    ws.on('error', () => undefined)
    this.sendTo(ws, pyDumps({ type: 'status', data: { status: this.hooks.status(), sid } }))
    const node = this.hooks.lastNodeFor(sid)
    if (node !== null) this.sendTo(ws, pyDumps({ type: 'executing', data: { node } }))
  }

  private onFirstMessage(ws: WebSocket, data: WebSocket.RawData): void {
    try {
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8')
      const msg = JSON.parse(text) as { type?: unknown; data?: unknown }
      if (msg.type !== 'feature_flags' || typeof msg.data !== 'object' || msg.data === null) return
      this.clientFlags.set(ws, msg.data as Record<string, unknown>)
      this.sendTo(ws, pyDumps({ type: 'feature_flags', data: SERVER_FEATURES }))
    } catch {
      // ComfyUI ignores messages it cannot parse.
    }
  }

  /** send_sync(event, data, sid): sid null broadcasts. */
  send(event: string, data: Dumpable, sid: string | null): void {
    const text = pyDumps({ type: event, data })
    this.deliver(sid, text)
  }

  /** Send a frame exactly as given, text or binary, to sid (null broadcasts): fault injection. */
  sendRaw(payload: string | Buffer, sid: string | null): void {
    this.deliver(sid, payload)
  }

  /** Send a binary frame to sid (null broadcasts). */
  sendBinary(frame: Buffer, sid: string | null): void {
    this.deliver(sid, frame)
  }

  /** Did this sid negotiate supports_preview_metadata? */
  supportsPreviewMetadata(sid: string | null): boolean {
    if (sid === null) return false
    const ws = this.sockets.get(sid)
    return ws !== undefined && this.clientFlags.get(ws)?.supports_preview_metadata === true
  }

  /** Number of open sockets. */
  size(): number {
    return this.all.size
  }

  /** Deliver frames held during a hang. */
  flushHeld(): void {
    const held = this.held
    this.held = []
    for (const f of held) f()
  }

  /** Close every socket at once (server keeps running). terminate() so the sid cleanup runs before a reconnect. */
  dropAll(): void {
    for (const ws of this.all) ws.terminate()
  }

  /** Forget held frames and drop every socket (crash / stop). */
  closeAll(): void {
    this.held = []
    this.dropAll()
    this.sockets.clear()
  }

  private deliver(sid: string | null, payload: string | Buffer): void {
    const send = (): void => {
      if (sid === null) {
        for (const ws of this.sockets.values()) this.sendTo(ws, payload)
      } else {
        const ws = this.sockets.get(sid)
        if (ws) this.sendTo(ws, payload)
      }
    }
    if (this.hooks.frozen()) this.held.push(send)
    else send()
  }

  private sendTo(ws: WebSocket, payload: string | Buffer): void {
    if (ws.readyState === ws.OPEN) ws.send(payload)
  }
}
