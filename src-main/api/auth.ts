import { randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { HttpError } from './http-util'

export const SESSION_COOKIE = 'comfyfleet_session'

/** The API token, generated into the data dir at first start (0600: only this user may read it). */
export function loadOrCreateToken(dataDir: string): string {
  const path = join(dataDir, 'api-token')
  if (existsSync(path)) {
    const token = readFileSync(path, 'utf8').trim()
    if (token.length >= 32) return token
  }
  const token = randomBytes(32).toString('base64url')
  writeFileSync(path, token + '\n', { mode: 0o600 })
  return token
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function cookieValue(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return v.join('=')
  }
  return null
}

/**
 * Who may call: scripts with `Authorization: Bearer <token>` (or `?token=` for WebSockets that
 * cannot set headers), and the UI this server served, through its same-site session cookie.
 */
export class ApiAuth {
  /** A per-process secret for the served UI; never written to disk. */
  readonly sessionSecret = randomBytes(32).toString('base64url')

  constructor(private readonly token: string) {}

  isAuthorized(req: IncomingMessage, url: URL): boolean {
    const header = req.headers.authorization ?? ''
    if (header.startsWith('Bearer ') && same(header.slice(7).trim(), this.token)) return true
    const q = url.searchParams.get('token')
    if (q && same(q, this.token)) return true
    const cookie = cookieValue(req, SESSION_COOKIE)
    return cookie !== null && same(cookie, this.sessionSecret)
  }

  assertAuthorized(req: IncomingMessage, url: URL): void {
    if (!this.isAuthorized(req, url)) {
      throw new HttpError(
        401,
        'auth/required',
        'Missing or wrong API token: send "Authorization: Bearer <token>" (the token is in the data dir, file api-token)'
      )
    }
  }

  sessionCookieHeader(): string {
    return `${SESSION_COOKIE}=${this.sessionSecret}; HttpOnly; SameSite=Strict; Path=/`
  }
}

/**
 * Refuse requests whose Host is not this server's own name (DNS rebinding), and browser requests
 * from another origin (CSRF): a page on evil.example must not drive a GPU farm through localhost.
 */
export function assertSameOrigin(req: IncomingMessage, allowedHosts: ReadonlySet<string>): void {
  const host = req.headers.host ?? ''
  if (!allowedHosts.has(host.toLowerCase()))
    throw new HttpError(403, 'auth/bad-host', `Host ${JSON.stringify(host)} is not allowed`)
  const origin = req.headers.origin
  if (origin && origin !== 'null') {
    let originHost = ''
    try {
      originHost = new URL(origin).host.toLowerCase()
    } catch {
      /* unparsable origin: refused below */
    }
    if (!allowedHosts.has(originHost)) throw new HttpError(403, 'auth/bad-origin', `Origin ${origin} is not allowed`)
  }
}
