/** Small HTTP helpers for the simulator: replies shaped like aiohttp's, body reading, multipart parsing. */
import type { IncomingMessage } from 'node:http'
import { pyDumps } from '../py/py-json'
import type { Dumpable } from '../py/py-json'

/** What a route handler returns. */
export interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string | Buffer
}

/** web.json_response (json.dumps body). */
export function json(data: Dumpable, status = 200): Reply {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: pyDumps(data) }
}

/** web.Response(status=…) with no body. */
export function empty(status = 200): Reply {
  return { status, headers: { 'Content-Type': 'application/octet-stream' }, body: '' }
}

/** A plain-text reply like aiohttp's default error pages ("404: Not Found"). */
export function text(status: number, body: string): Reply {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body }
}

/** aiohttp's answer to an unhandled exception in a handler. */
export function internalError(): Reply {
  return text(500, '500 Internal Server Error\n\nServer got itself in trouble')
}

/** Read a whole request body, refusing more than `limit` bytes (aiohttp client_max_size → 413). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) {
        reject(new BodyTooLarge())
        req.destroy()
        return
      }
      parts.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(parts)))
    req.on('error', reject)
  })
}

/** The request body exceeded the upload limit. */
export class BodyTooLarge extends Error {}

/** One multipart/form-data field. */
export interface FormPart {
  name: string
  filename?: string
  contentType?: string
  data: Buffer
}

/** Parse multipart/form-data (enough for /upload/image). Returns null when the body is not multipart. */
export function parseMultipart(contentType: string | undefined, body: Buffer): Map<string, FormPart> | null {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '')
  if (!m || !/multipart\/form-data/i.test(contentType ?? '')) return null
  const boundary = Buffer.from(`--${m[1] ?? m[2] ?? ''}`)
  const out = new Map<string, FormPart>()
  let pos = body.indexOf(boundary)
  while (pos >= 0) {
    const start = pos + boundary.length
    if (body.subarray(start, start + 2).toString() === '--') break
    const headerEnd = body.indexOf('\r\n\r\n', start)
    if (headerEnd < 0) break
    const next = body.indexOf(boundary, headerEnd + 4)
    if (next < 0) break
    const headers = body.subarray(start + 2, headerEnd).toString('utf8')
    const data = body.subarray(headerEnd + 4, next - 2)
    const disp = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? ''
    const name = /\bname="([^"]*)"/i.exec(disp)?.[1]
    const filename = /\bfilename="([^"]*)"/i.exec(disp)?.[1]
    const ct = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]
    if (name !== undefined && !out.has(name)) {
      const part: FormPart = { name, data }
      if (filename !== undefined) part.filename = filename
      if (ct !== undefined) part.contentType = ct
      out.set(name, part)
    }
    pos = next
  }
  return out
}
