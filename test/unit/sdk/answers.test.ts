/**
 * The SDK parses every answer with the route's contract schema (#18 item 4): a malformed answer is a
 * `client/bad-answer` naming the field path, a field a newer server adds is dropped rather than refused,
 * and a refusal keeps the API's code. Against a small local server on an ephemeral port.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ComfyFleetClient, ComfyFleetError, type ServerView } from '../../../sdk'

interface Canned {
  status: number
  body: string
}

/** What the fake API answers next, and the request paths it saw. */
let next: Canned = { status: 200, body: '[]' }
const seenPaths: string[] = []
let server: Server
let fleet: ComfyFleetClient

const answer = (status: number, value: unknown): void => {
  next = { status, body: JSON.stringify(value) }
}

const SERVER: ServerView = {
  ...{ id: 's1', name: 'gpu-1', address: 'http://gpu-1:8188', enabled: true, draining: false, slots: 2, tags: [] },
  ...{ createdAt: 1, updatedAt: 2, slotsInUse: 0, currentRunIds: [], speed: null, hasCapabilities: true },
  health: {
    state: 'online',
    device: null,
    queueRemaining: 0,
    latencyMs: 3,
    lastSeenAt: 4,
    error: null,
    comfyuiVersion: null,
  },
}

/** The ComfyFleetError a call rejects with (fails the test if it resolves). */
async function refusal(p: Promise<unknown>): Promise<ComfyFleetError> {
  const e: unknown = await p.then(
    () => null,
    (x: unknown) => x
  )
  if (!(e instanceof ComfyFleetError)) throw new Error(`expected a ComfyFleetError, got ${String(e)}`)
  return e
}

/** The field paths a bad-answer error lists. */
const pathsOf = (e: ComfyFleetError): string[] =>
  (e.details as { issues: { path: string }[] }).issues.map((i) => i.path)

beforeAll(async () => {
  server = createServer((req, res) => {
    seenPaths.push(req.url ?? '')
    res.writeHead(next.status, { 'content-type': 'application/json' })
    res.end(next.body)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  fleet = new ComfyFleetClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 't' })
})

afterAll(() => {
  server.close()
})

describe('answers the API promises', () => {
  test('are returned as the contract types; a field a newer server adds is dropped', async () => {
    answer(200, [{ ...SERVER, addedLater: 'x' }])
    expect(await fleet.listServers()).toEqual([SERVER])
  })
})

describe('answers that break the contract', () => {
  test('a wrong value deep in a list is named by its field path', async () => {
    answer(200, [SERVER, { ...SERVER, health: { ...SERVER.health, state: 'sleepy' } }])
    const e = await refusal(fleet.listServers())
    expect(e.code).toBe('client/bad-answer')
    expect(pathsOf(e)).toEqual(['1.health.state'])
    expect(e.message).toContain('GET /servers')
    expect(e.message).toContain('1.health.state')
  })

  test('a missing field is "is missing", by its path', async () => {
    const { slots: _slots, ...noSlots } = SERVER
    answer(200, noSlots)
    const e = await refusal(fleet.registerServer({ name: 'gpu-1', address: 'gpu-1:8188' }))
    expect(e.code).toBe('client/bad-answer')
    expect(e.message).toContain('slots is missing')
  })

  test('an answer that is not JSON at all says so', async () => {
    next = { status: 200, body: '<html>a proxy page</html>' }
    const e = await refusal(fleet.batches())
    expect(e.code).toBe('client/bad-answer')
    expect(e.message).toContain('GET /batches is not JSON')
  })

  test('a history page with an item of no known state names the item', async () => {
    const item = { runId: 'r', hash: null, nodeId: null, width: null, height: null, format: null, errorMessage: null }
    const rest = { createdAt: 1, positive: null, models: [], serverName: null, seed: null }
    answer(200, { items: [{ ...item, ...rest, status: 'done' }], nextCursor: null, total: 1 })
    expect(pathsOf(await refusal(fleet.history({ limit: 5 })))).toEqual(['items.0.status'])
  })
})

describe('refusals', () => {
  test("keep the API's code, message and details", async () => {
    answer(409, { error: { code: 'servers/duplicate-address', message: 'already there', details: { id: 's1' } } })
    const e = await refusal(fleet.registerServer({ name: 'gpu-1', address: 'gpu-1:8188' }))
    expect([e.code, e.message, e.status, e.details]).toEqual([
      'servers/duplicate-address',
      'already there',
      409,
      { id: 's1' },
    ])
  })

  test("a refusal not in the API's shape is its status and text", async () => {
    next = { status: 502, body: 'Bad Gateway' }
    const e = await refusal(fleet.status('r1'))
    expect([e.code, e.message, e.status]).toEqual(['http/502', 'Bad Gateway', 502])
  })
})

describe('requests', () => {
  test('history writes its query with the contract encoder the route parses', async () => {
    answer(200, { items: [], nextCursor: null, total: 0 })
    await fleet.history({ text: 'cat', status: ['failed', 'cancelled'], limit: 5 })
    expect(seenPaths.at(-1)).toBe('/history?q=cat&status=failed%2Ccancelled&limit=5')
  })

  test('executeWorkflow with a seed range is refused before anything is sent: a batch has no one result', async () => {
    const before = seenPaths.length
    const e = await refusal(fleet.executeWorkflow({ '1': { class_type: 'X', inputs: {} } }, { seeds: '1..4' }))
    expect(e.code).toBe('client/not-one-run')
    expect(seenPaths.length).toBe(before)
  })
})
