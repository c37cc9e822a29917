import type { IncomingMessage, ServerResponse } from 'node:http'

/** An HTTP error with the JSON shape every API answer uses: `{ error: { code, message } }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown
  ) {
    super(message)
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, close = false): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...(close ? { connection: 'close' } : {}),
  })
  res.end(text)
}

/**
 * A path segment decoded, or a 400 naming it: `%E0%A4%A` is a client's mistake, and
 * decodeURIComponent's URIError must not surface as a 500.
 */
export function decodePathSegment(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new HttpError(400, 'request/bad-path', `The path has malformed percent-encoding: ${JSON.stringify(raw)}`)
  }
}

export function sendError(res: ServerResponse, e: unknown): void {
  if (e instanceof HttpError) {
    const error =
      e.details === undefined
        ? { code: e.code, message: e.message }
        : { code: e.code, message: e.message, details: e.details }
    // An unread body (413) would be taken for the next request: answer, then close the connection.
    sendJson(res, e.status, { error }, e.status === 413)
    return
  }
  sendJson(res, 500, { error: { code: 'internal', message: (e as Error)?.message ?? String(e) } })
}

/** Read a request body up to `limit` bytes (413 beyond), as a Buffer. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > limit) {
      reject(new HttpError(413, 'request/too-large', `Request body is ${declared} bytes; the limit is ${limit} bytes`))
      req.resume()
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    const onData = (c: Buffer): void => {
      size += c.length
      if (size > limit) {
        // Stop buffering but leave the socket open: destroying it here would reset the connection
        // before the 413 is written (chunked uploads have no Content-Length to refuse up front).
        req.off('data', onData)
        req.pause()
        chunks.length = 0
        reject(new HttpError(413, 'request/too-large', `Request body exceeds the limit of ${limit} bytes`))
        return
      }
      chunks.push(c)
    }
    req.on('data', onData)
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Parse a JSON body; an empty body is `{}`. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const body = await readBody(req, limit)
  if (body.length === 0) return {}
  try {
    return JSON.parse(body.toString('utf8')) as unknown
  } catch (e) {
    throw new HttpError(400, 'request/not-json', `Request body is not valid JSON: ${(e as Error).message}`)
  }
}

export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
  url: URL
) => Promise<void>

interface Route {
  method: string
  pattern: RegExp
  keys: string[]
  handler: RouteHandler
}

/** A tiny method + path router: `/workflow/status/:id`. */
export class Router {
  private readonly routes: Route[] = []

  add(method: string, path: string, handler: RouteHandler): this {
    const keys: string[] = []
    const source = path.replace(/:([a-zA-Z]+)/g, (_, k: string) => {
      keys.push(k)
      return '([^/]+)'
    })
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), keys, handler })
    return this
  }

  /** The matching route, or null; a path that exists for another method is a 405. */
  match(method: string, pathname: string): { handler: RouteHandler; params: Record<string, string> } | null {
    let pathExists = false
    for (const r of this.routes) {
      const m = r.pattern.exec(pathname)
      if (!m) continue
      pathExists = true
      if (r.method !== method) continue
      const params: Record<string, string> = {}
      r.keys.forEach((k, i) => (params[k] = decodePathSegment(m[i + 1] ?? '')))
      return { handler: r.handler, params }
    }
    if (pathExists) throw new HttpError(405, 'request/method-not-allowed', `${method} is not allowed on ${pathname}`)
    return null
  }
}
