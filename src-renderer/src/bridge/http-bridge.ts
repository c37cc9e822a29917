import type {
  BridgeTransport,
  EventChannel,
  EventMap,
  RequestChannel,
  RequestParams,
  RequestResult,
} from '../../../src-shared/contract'
import { createConnectionState, type ConnectionState } from './connection-state'
import { EventHub } from './event-hub'

/** First reconnect delay; doubled per failed attempt up to {@link MAX_BACKOFF_MS}. */
const MIN_BACKOFF_MS = 250
/** Cap so a restarted headless server is picked up within a few seconds. */
const MAX_BACKOFF_MS = 5_000

/** A transport that also reports whether its event stream is live. */
export interface HttpBridge extends BridgeTransport {
  connection: ConnectionState
  close(): void
}

/** Injection points for runtimes without browser globals (unit tests under Node 20). */
export interface HttpBridgeDeps {
  WebSocket?: typeof WebSocket
  fetch?: (input: string, init: RequestInit) => Promise<Response>
  /** Called when the server no longer knows this browser's session (default: reload the page). */
  onUnauthorized?: () => void
}

/** Thrown for transport failures (network, non-2xx); expected failures come back as `Result` values. */
export class BridgeError extends Error {
  constructor(
    message: string,
    readonly status: number | null
  ) {
    super(message)
    this.name = 'BridgeError'
  }
}

/**
 * Browser/headless transport: requests are `POST /api/bridge/<channel>` with the params as the JSON
 * body, answering the result as JSON; events arrive on one WebSocket at `/api/events` as
 * `{ channel, payload }` frames. The headless server authorises by a same-origin session cookie,
 * which a one-time sign-in link gave this browser. A 401 means the session is gone (the app was
 * restarted): reloading shows the server's sign-in page instead of a stream of failing calls.
 */
export function createHttpBridge(baseUrl: string = window.location.origin, deps: HttpBridgeDeps = {}): HttpBridge {
  const Socket = deps.WebSocket ?? WebSocket
  const doFetch = deps.fetch ?? ((input: string, init: RequestInit) => fetch(input, init))
  const onUnauthorized = deps.onUnauthorized ?? (() => window.location.reload())
  const base = baseUrl.replace(/\/$/, '')
  const hub = new EventHub()
  const connection = createConnectionState()
  let socket: WebSocket | null = null
  let backoff = MIN_BACKOFF_MS
  let closed = false
  let timer: ReturnType<typeof setTimeout> | null = null

  const connect = (): void => {
    if (closed) return
    connection.set('connecting')
    const ws = new Socket(`${base.replace(/^http/, 'ws')}/api/events`)
    socket = ws
    ws.onopen = () => {
      backoff = MIN_BACKOFF_MS
      connection.set('open')
    }
    ws.onmessage = (msg: MessageEvent<unknown>) => {
      if (typeof msg.data !== 'string') return
      const frame = parseFrame(msg.data)
      if (frame) hub.emit(frame.channel, frame.payload)
    }
    ws.onclose = () => {
      socket = null
      if (closed) return
      connection.set('closed')
      timer = setTimeout(connect, backoff)
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
    }
    // onclose follows onerror; reconnecting happens there.
    ws.onerror = () => undefined
  }
  connect()

  return {
    connection,
    async invoke<K extends RequestChannel>(channel: K, params: RequestParams<K>): Promise<RequestResult<K>> {
      const res = await doFetch(`${base}/api/bridge/${channel}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params ?? null),
      })
      if (res.status === 401) onUnauthorized()
      if (!res.ok) throw new BridgeError(`${channel}: ${await errorText(res)}`, res.status)
      return (await res.json()) as RequestResult<K>
    },
    on<K extends EventChannel>(channel: K, listener: (payload: EventMap[K]) => void): () => void {
      return hub.on(channel, listener)
    },
    imageUrl(hash: string, kind: 'full' | 'thumb'): string {
      return `${base}/api/${kind === 'full' ? 'images' : 'thumbs'}/${encodeURIComponent(hash)}`
    },
    close() {
      closed = true
      if (timer) clearTimeout(timer)
      socket?.close()
      connection.set('closed')
    },
  }
}

function parseFrame(data: string): { channel: EventChannel; payload: unknown } | null {
  try {
    const frame = JSON.parse(data) as { channel?: unknown; payload?: unknown }
    return typeof frame.channel === 'string' ? { channel: frame.channel as EventChannel, payload: frame.payload } : null
  } catch {
    return null
  }
}

/** The server's `{ error: { message } }` when it sent one, else the HTTP status. */
async function errorText(res: Response): Promise<string> {
  try {
    const text = await res.text()
    try {
      const body = JSON.parse(text) as { error?: { message?: unknown } }
      if (typeof body.error?.message === 'string') return body.error.message
    } catch {
      // not JSON: fall through to the raw text
    }
    return `HTTP ${res.status} ${text.slice(0, 200)}`
  } catch {
    return `HTTP ${res.status}`
  }
}
