/**
 * The local API under attack (issue #13, cases in shared/cases/sec): who gets a session, where a
 * token is accepted, and that malformed input is a 4xx rather than a 500 or a reset connection.
 * One real core (Temporal dev server, worker) and one simulated GPU serve every test.
 */
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { SimServer } from '../../../sim'
import type { AppCore } from '../../../src-main/core/app-core'
import { startCore, until } from '../../helpers/app'

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

let sim: SimServer
let core: AppCore
let url: string

/** A raw HTTP request, so tests can send what fetch() would not (Origin: null, bad paths, chunked floods). */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') })
      )
    })
    req.on('error', reject)
    req.end(body)
  })
}

const bearer = (): Record<string, string> => ({ authorization: `Bearer ${core.token}` })
const errorCode = (a: Answer): string => (JSON.parse(a.body) as { error: { code: string } }).error.code

/** Whether a WebSocket to /api/events opens (true) or is refused (its HTTP status). */
function wsOpens(path: string, headers: Record<string, string> = {}): Promise<true | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${path}`, { headers })
    ws.on('open', () => {
      ws.close()
      resolve(true)
    })
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('error', () => resolve(0))
  })
}

/** Follows a printed login link as a browser would: the session cookie it sets, or null. */
async function signIn(link: string): Promise<string | null> {
  const a = await raw('GET', link.slice(url.length))
  if (a.status !== 303) return null
  const set = a.headers['set-cookie']
  expect(set?.[0]).toMatch(/HttpOnly; SameSite=Strict/)
  return set![0]!.split(';')[0]!
}

beforeAll(async () => {
  sim = new SimServer({ name: 'sec-gpu', timing: { stepMs: 5 } })
  await sim.start()
  core = await startCore()
  url = core.info().localApi.url!
})

afterAll(async () => {
  await core?.stop()
  await sim?.stop()
})

describe('sessions only for token holders (session-cookie-without-token)', () => {
  test('serving the UI hands out no credential, and without one every door is shut', async () => {
    const page = await raw('GET', '/')
    expect(page.status).toBe(401)
    expect(page.headers['set-cookie']).toBeUndefined()
    expect(page.body).toContain('one-time link')
    expect(page.body).toContain(`${url}/auth/login-link`)
    expect((await raw('GET', '/servers')).status).toBe(401)
    expect((await raw('POST', '/api/bridge/settings:get', {}, '{}')).status).toBe(401)
    expect(await wsOpens('/api/events')).toBe(401)
  })

  test('the printed link signs a browser in once; the cookie opens the bridge and the events socket', async () => {
    const link = core.loginUrl()!
    expect(link).toMatch(/\/login\?code=[\w-]{43}$/)
    const cookie = await signIn(link)
    expect(cookie).not.toBeNull()
    const info = await raw('POST', '/api/bridge/app:info', { cookie: cookie! }, '{}')
    expect(info.status).toBe(200)
    expect(await wsOpens('/api/events', { cookie: cookie! })).toBe(true)
    expect((await raw('GET', '/', { cookie: cookie! })).body).toContain('<div id="root"')
    // The same link again (from a log or the browser history) opens nothing.
    const again = await raw('GET', link.slice(url.length))
    expect(again.status).toBe(401)
    expect(again.headers['set-cookie']).toBeUndefined()
    expect(await signIn(`${url}/login?code=guess`)).toBeNull()
  })

  test('a token holder can ask for a new link (POST /auth/login-link); nobody else can', async () => {
    expect((await raw('POST', '/auth/login-link')).status).toBe(401)
    const minted = await raw('POST', '/auth/login-link', bearer())
    expect(minted.status).toBe(201)
    expect(await signIn((JSON.parse(minted.body) as { url: string }).url)).not.toBeNull()
  })

  test('Origin: null is refused even with a valid session', async () => {
    const cookie = (await signIn(core.loginUrl()!))!
    const a = await raw('POST', '/api/bridge/servers:list', { cookie, origin: 'null' }, '{}')
    expect(a.status).toBe(403)
    expect(errorCode(a)).toBe('auth/bad-origin')
  })
})

describe('the token in a query string (token-in-query-everywhere)', () => {
  test('is refused on HTTP routes and accepted only on the WebSocket upgrade', async () => {
    const q = `token=${encodeURIComponent(core.token)}`
    expect((await raw('GET', `/servers?${q}`)).status).toBe(401)
    expect((await raw('GET', `/history?${q}`)).status).toBe(401)
    expect((await raw('POST', `/api/bridge/settings:get?${q}`, {}, '{}')).status).toBe(401)
    expect(await wsOpens(`/api/events?${q}`)).toBe(true)
  })
})

describe('bad input is a 4xx, never a 500', () => {
  test('malformed percent-encoding in a static path or a route parameter (malformed-percent-encoding-500)', async () => {
    for (const path of ['/%E0%A4%A', '/assets/%ZZ.js', '/workflow/status/%E0%A4%A']) {
      const a = await raw('GET', path, bearer())
      expect(a.status, path).toBe(400)
      expect(errorCode(a)).toBe('request/bad-path')
    }
  })

  test('a workflow object nested 5000 and 100000 deep (json-nesting-object-500)', async () => {
    for (const depth of [5000, 100_000]) {
      const body = `{"workflow":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`
      const a = await raw('POST', '/workflow/execute', bearer(), body)
      expect(a.status, `depth ${depth}`).toBe(400)
      expect(errorCode(a)).toBe('intake/too-deep')
    }
  })

  test('class_type "constructor" or "toString" is an unknown node, like any other (prototype-classtype-500)', async () => {
    const added = await raw('POST', '/servers', bearer(), JSON.stringify({ name: 'sec-gpu', address: sim.url }))
    expect(added.status).toBe(201)
    const id = (JSON.parse(added.body) as { id: string }).id
    await until(() => core.fleet.objectInfo(id) !== null, 30_000, 'object_info cached')
    for (const ct of ['constructor', 'toString', 'BogusNode']) {
      const workflow = {
        '1': { class_type: ct, inputs: {} },
        '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'x' } },
      }
      const a = await raw('POST', '/workflow/execute', bearer(), JSON.stringify({ workflow }))
      expect(a.status, ct).toBe(400)
      expect(errorCode(a)).toBe('intake/unknown-node-types')
      expect(a.body).toContain(ct)
    }
  })

  test('a chunked body over the limit gets its 413 before the connection closes (chunked-body-over-limit-no-413)', async () => {
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = request(`${url}/workflow/execute`, {
        method: 'POST',
        headers: { ...bearer(), 'transfer-encoding': 'chunked', 'content-type': 'application/json' },
      })
      const mb = Buffer.alloc(1024 * 1024, 0x20)
      let answered = false
      req.on('response', (res) => {
        answered = true
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() })
        )
      })
      req.on('error', (e) => (answered ? undefined : reject(e)))
      // Keep sending until the server answers: it must answer, not reset, once past the limit.
      const pump = (sent: number): void => {
        if (answered || sent > 200) return void req.end()
        if (req.write(mb)) setImmediate(() => pump(sent + 1))
        else req.once('drain', () => pump(sent + 1))
      }
      pump(0)
    })
    expect(answer.status).toBe(413)
    expect(errorCode(answer)).toBe('request/too-large')
  })

  test('a body with an unknown or wrongly typed field names it (contracts as schemas)', async () => {
    const a = await raw('POST', '/servers', bearer(), JSON.stringify({ name: 'x', address: 'h:1', slots: 'two' }))
    expect(a.status).toBe(400)
    expect(JSON.parse(a.body)).toMatchObject({
      error: { code: 'request/bad-params', details: { issues: [{ path: 'slots', message: 'must be a number' }] } },
    })
    const typo = await raw('POST', '/workflow/execute', bearer(), JSON.stringify({ workflw: {} }))
    expect(JSON.parse(typo.body)).toMatchObject({ error: { details: { issues: [{ path: 'workflw' }] } } })
  })

  test('a bad or unknown query parameter is a 400 naming it (query strings as schemas)', async () => {
    const cases: [string, string, RegExp][] = [
      ['/history?limit=abc', 'limit', /^must be a whole number$/],
      ['/history?limit=0', 'limit', /^must be a whole number from 1 to 500$/],
      ['/history?status=completed,bogus', 'status', /not "bogus"$/],
      ['/history?sort=best', 'sort', /^must be "newest" or "oldest"$/],
      ['/history?limt=5', 'limt', /^is not a known key$/],
      ['/runs?limit=many', 'limit', /^must be a whole number$/],
      ['/workflow/result/any-run?wait_s=-1', 'wait_s', /^must be a number of seconds >= 0$/],
      ['/servers?verbose=1', 'verbose', /^is not a known key$/],
    ]
    for (const [path, field, message] of cases) {
      const a = await raw('GET', path, bearer())
      expect(a.status, path).toBe(400)
      const { error } = JSON.parse(a.body) as {
        error: { code: string; message: string; details: { issues: { path: string; message: string }[] } }
      }
      expect(error.code, path).toBe('request/bad-params')
      expect(error.message, path).toContain(`The query string: ${field} `)
      expect(
        error.details.issues.map((i) => i.path),
        path
      ).toEqual([field])
      expect(error.details.issues[0]!.message, path).toMatch(message)
    }
    expect((await raw('GET', '/history?limit=5&status=completed', bearer())).status).toBe(200)
  })

  test('settings keys named like prototype members are unknown keys (settings-unknown-key-bypass)', async () => {
    for (const patch of ['{"toString":5}', '{"retry":{"valueOf":1}}', '{"__proto__":{"toString":1}}']) {
      const a = await raw('POST', '/api/bridge/settings:update', bearer(), patch)
      expect(a.status).toBe(200)
      expect(JSON.parse(a.body)).toMatchObject({ ok: false, error: { code: 'settings/unknown-key' } })
    }
  })
})
