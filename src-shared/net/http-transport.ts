/**
 * HTTP/1.1 calls over node:http(s) with kept-alive connections: the one transport under the ComfyUI
 * client (worker and main) and the SDK.
 *
 * Node's fetch (undici behind WHATWG streams) cost ~0.4 ms of CPU more per call than node:http on this
 * machine, and a run makes several calls on its path: POST /prompt, GET /view of each output, and the
 * SDK's own request (issue #17 item 6). Redirects are never followed: the caller sees the 3xx.
 */
import http from 'node:http'
import https from 'node:https'

/**
 * An idle kept-alive connection is closed after this, well within any server's own keep-alive (ComfyUI's
 * aiohttp keeps 75 s, Node's server 5 s): reusing one the server has just closed would fail the call. A
 * server that announces a shorter one (`Keep-Alive: timeout=N`) is honoured by Node's agent itself.
 */
const IDLE_CONNECTION_MS = 4_000

const agents: Record<string, http.Agent> = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
}

/** How a reused connection the server had already closed fails. */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED'])

export interface HttpCall {
  method?: string
  headers?: Record<string, string>
  body?: string | Uint8Array
  /** The whole exchange, headers and body, must end within this, else it fails with a TimeoutError. */
  timeoutMs?: number
  /** It fails with a TimeoutError after this long without a byte: a slow but flowing transfer is never cut. */
  idleTimeoutMs?: number
}

export interface HttpAnswer {
  status: number
  ok: boolean
  /** A response header (the first one, if repeated), or null. */
  header(name: string): string | null
  /** The body as it arrives; iterating it fails with the call's error (a timeout: TimeoutError). */
  body: AsyncIterable<Buffer>
  /** Stops the transfer; the connection is closed, not reused. */
  cancel(): void
}

/** A call that ran out of time; `name` is what fetch's timeouts are called, so callers test one thing. */
export class HttpTimeoutError extends Error {
  override name = 'TimeoutError'
}

/**
 * Resolves with the answer once its headers arrive; rejects when none came (refused, reset, timed out).
 * A kept-alive connection the server closed as it was reused fails before the server read the request:
 * then the call is sent once more on a new connection, as browsers do, whatever its method.
 */
export function httpCall(url: string, call: HttpCall = {}): Promise<HttpAnswer> {
  const target = new URL(url)
  const agent = agents[target.protocol]
  if (agent === undefined) return Promise.reject(new Error(`unsupported protocol ${target.protocol}`))
  const body = typeof call.body === 'string' ? Buffer.from(call.body, 'utf8') : call.body
  const headers = body === undefined ? call.headers : { ...call.headers, 'content-length': String(body.byteLength) }
  const send = (reuse: boolean): Promise<HttpAnswer> =>
    new Promise((resolve, reject) => {
      const request = target.protocol === 'https:' ? https.request : http.request
      const req = request(target, { method: call.method ?? 'GET', headers, agent: reuse ? agent : false })
      let res: http.IncomingMessage | null = null
      // Once the answer has begun, a failure belongs to its body (the reader sees it), not to the request.
      const fail = (error: Error): void => void (res ?? req).destroy(error)
      const timer =
        call.timeoutMs === undefined
          ? null
          : setTimeout(() => fail(new HttpTimeoutError(`no answer within ${call.timeoutMs} ms`)), call.timeoutMs)
      if (call.idleTimeoutMs !== undefined) {
        const idleMs = call.idleTimeoutMs
        req.setTimeout(idleMs, () => fail(new HttpTimeoutError(`no data for ${Math.round(idleMs / 1000)} s`)))
      }
      // Kept for the call's whole life: an error after the answer began is the body's to report, never unhandled.
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (timer !== null) clearTimeout(timer)
        if (res === null && req.reusedSocket && STALE_CONNECTION.has(error.code ?? '')) resolve(send(false))
        else reject(error)
      })
      req.once('response', (answer) => {
        res = answer
        answer.on('error', () => undefined)
        answer.once('close', () => {
          if (timer !== null) clearTimeout(timer)
        })
        const status = answer.statusCode ?? 0
        resolve({
          status,
          ok: status >= 200 && status < 300,
          header: (name) => firstValue(answer.headers[name.toLowerCase()]),
          body: answer,
          cancel: () => void answer.destroy(),
        })
      })
      req.end(body)
    })
  return send(true)
}

/** The whole body (for answers whose size the caller trusts: the SDK reading its own server). */
export async function readAll(answer: HttpAnswer): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of answer.body) chunks.push(chunk)
  return Buffer.concat(chunks)
}

function firstValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null
  return Array.isArray(value) ? (value[0] ?? null) : value
}
