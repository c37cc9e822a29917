import { randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { HttpError } from './http-util'

export const SESSION_COOKIE = 'comfyfleet_session'
/** Unused login codes kept at once; minting more drops the oldest (a bound, not a feature). */
const MAX_LOGIN_CODES = 16

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

const secret = (): string => randomBytes(32).toString('base64url')

function cookieValue(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return v.join('=')
  }
  return null
}

export interface AuthOptions {
  /** `?token=` is honoured only where a client cannot set headers: the WebSocket upgrade. */
  allowQueryToken: boolean
}

/**
 * Who may call: scripts with `Authorization: Bearer <token>` (or `?token=` on the WebSocket
 * upgrade, which browsers and some clients cannot give headers), and browsers holding a session.
 * A session is only ever handed out in exchange for a one-time login code, and codes are only
 * minted for someone who already proved the token (the app printing its own link at start, or a
 * Bearer call to POST /auth/login-link). Serving the UI hands out nothing.
 */
export class ApiAuth {
  private readonly codes: string[] = []
  private readonly sessions = new Set<string>()

  constructor(private readonly token: string) {}

  isAuthorized(req: IncomingMessage, url: URL, opts: AuthOptions): boolean {
    const header = req.headers.authorization ?? ''
    if (header.startsWith('Bearer ') && same(header.slice(7).trim(), this.token)) return true
    const q = url.searchParams.get('token')
    if (opts.allowQueryToken && q !== null && same(q, this.token)) return true
    return this.hasSession(req)
  }

  hasSession(req: IncomingMessage): boolean {
    const cookie = cookieValue(req, SESSION_COOKIE)
    if (cookie === null) return false
    for (const s of this.sessions) if (same(cookie, s)) return true
    return false
  }

  assertAuthorized(req: IncomingMessage, url: URL, opts: AuthOptions): void {
    if (!this.isAuthorized(req, url, opts)) {
      throw new HttpError(
        401,
        'auth/required',
        'Missing or wrong API token: send "Authorization: Bearer <token>" (the token is in the data dir, file api-token)'
      )
    }
  }

  /** A new single-use login code (for a link the app prints or a token holder asked for). */
  mintLoginCode(): string {
    const code = secret()
    this.codes.push(code)
    if (this.codes.length > MAX_LOGIN_CODES) this.codes.shift()
    return code
  }

  /**
   * Trades a login code for a new session, once: the code is gone afterwards, so a link seen in
   * a log or a browser history later opens nothing. Returns the Set-Cookie header, or null.
   */
  redeemLoginCode(code: string): string | null {
    const i = this.codes.findIndex((c) => same(c, code))
    if (i < 0) return null
    this.codes.splice(i, 1)
    const session = secret()
    this.sessions.add(session)
    return `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`
  }
}

/**
 * Refuse requests whose Host is not this server's own name (DNS rebinding), and browser requests
 * from another origin (CSRF): a page on evil.example must not drive a GPU farm through localhost.
 * `Origin: null` (sandboxed iframes, file:// pages, some redirects) names no origin we can trust,
 * so it is refused too; scripts send no Origin at all.
 */
export function assertSameOrigin(req: IncomingMessage, allowedHosts: ReadonlySet<string>): void {
  const host = req.headers.host ?? ''
  if (!allowedHosts.has(host.toLowerCase()))
    throw new HttpError(403, 'auth/bad-host', `Host ${JSON.stringify(host)} is not allowed`)
  const origin = req.headers.origin
  if (origin === undefined) return
  let originHost = ''
  try {
    originHost = origin === 'null' ? '' : new URL(origin).host.toLowerCase()
  } catch {
    /* unparsable origin: refused below */
  }
  if (!allowedHosts.has(originHost)) throw new HttpError(403, 'auth/bad-origin', `Origin ${origin} is not allowed`)
}
