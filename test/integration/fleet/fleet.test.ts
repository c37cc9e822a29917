/** The Fleet service end to end over simulated servers: CRUD keeps the health loops in step. */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { untilValue } from '../../helpers/until'
import { openDatabase, type CacheDatabase } from '../../../src-main/cache'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFleetService } from '../../../src-main/core/fleet-adapter'
import { Fleet } from '../../../src-main/fleet'
import { err, ok } from '../../../src-shared/contract/result'
import type { ServerConfig, ServerView } from '../../../src-shared/contract/servers'
import { SimServer } from '../../../sim'

const MONITOR = { intervalMs: 50, timeoutMs: 2000, slowMs: 800, backoffInitialMs: 40, backoffMaxMs: 200 }

let db: CacheDatabase
let fleet: Fleet
let pushes: ServerView[][]
const cleanups: (() => Promise<void>)[] = []

async function sim(name: string): Promise<SimServer> {
  const s = new SimServer({ name, device: { name: `RTX ${name}`, vramTotal: 12e9 } })
  await s.start()
  cleanups.push(() => s.stop())
  return s
}

function mustAdd(name: string, address: string): ServerView {
  const r = fleet.add({ name, address })
  if (!r.ok) throw new Error(r.error.message)
  return r.value
}

beforeEach(() => {
  db = openDatabase(null)
  fleet = new Fleet(db, { defaultSlots: () => 3, monitor: MONITOR })
  pushes = []
  fleet.onChange((views) => pushes.push(views))
})

afterEach(async () => {
  fleet.stop()
  await Promise.all(cleanups.splice(0).map((f) => f()))
  db.close()
})

describe('Fleet', () => {
  it('adds a server, watches it, and pushes views and worker servers as it comes online', async () => {
    const a = await sim('a')
    const view = mustAdd('GPU A', a.url.replace('http://', ''))
    expect(view).toMatchObject({ name: 'GPU A', address: a.url, slots: 3, slotsInUse: 0, health: { state: 'unknown' } })
    await untilValue('online push', () => pushes.some((p) => p[0]?.health.state === 'online'))
    await untilValue('capabilities', () => fleet.get(view.id)?.hasCapabilities)
    const [worker] = fleet.workerServers()
    expect(worker).toMatchObject({ id: view.id, accepting: true, online: true, slots: 3, vramTotal: 12e9 })
    expect(worker?.gpu).toContain('RTX a')
    expect(worker?.capabilities?.nodeClasses).toContain('SaveImage')
  })

  it('stops accepting new runs when draining or disabled, and shows slot usage', async () => {
    const a = await sim('b')
    const view = mustAdd('GPU B', a.url)
    await untilValue('online', () => fleet.get(view.id)?.health.state === 'online')
    expect(fleet.setDraining(view.id, true)).toMatchObject({ ok: true, value: { draining: true } })
    expect(fleet.workerServers()[0]).toMatchObject({ accepting: false, online: true })
    fleet.setDraining(view.id, false)
    fleet.setEnabled(view.id, false)
    expect(fleet.workerServers()[0]?.accepting).toBe(false)
    fleet.setEnabled(view.id, true)
    expect(fleet.workerServers()[0]?.accepting).toBe(true)
    fleet.setSlotUsage([{ serverId: view.id, inUse: 2, runIds: ['r1', 'r2'] }])
    expect(fleet.get(view.id)).toMatchObject({ slotsInUse: 2, currentRunIds: ['r1', 'r2'] })
    expect(pushes[pushes.length - 1]?.[0]?.slotsInUse).toBe(2)
  })

  it('re-points the health loop when the address changes', async () => {
    const a = await sim('c1')
    const b = await sim('c2')
    const view = mustAdd('GPU C', a.url)
    await untilValue('online on a', () => fleet.get(view.id)?.health.device?.name.includes('c1'))
    expect(fleet.update(view.id, { address: b.url })).toMatchObject({ ok: true, value: { address: b.url } })
    await untilValue('online on b', () => fleet.get(view.id)?.health.device?.name.includes('c2'))
  })

  it('asks the engine to move runs before removing a busy server, and keeps it when that fails', async () => {
    const calls: { server: ServerConfig; runIds: string[] }[] = []
    let allow = false
    const busy = new Fleet(db, {
      monitor: MONITOR,
      beforeRemove: (server, runIds) => {
        calls.push({ server, runIds })
        return allow ? ok(runIds) : err('runs/cannot-move', 'No other server can take run r1.')
      },
    })
    try {
      const r = busy.add({ name: 'busy', address: 'busy-host' })
      if (!r.ok) throw new Error(r.error.message)
      busy.setSlotUsage([{ serverId: r.value.id, inUse: 1, runIds: ['r1'] }])
      expect(await busy.remove(r.value.id)).toMatchObject({ ok: false, error: { code: 'runs/cannot-move' } })
      expect(busy.get(r.value.id)).not.toBeNull()
      allow = true
      expect(await busy.remove(r.value.id)).toEqual({ ok: true, value: { moved: ['r1'] } })
      expect(busy.get(r.value.id)).toBeNull()
      expect(calls.map((c) => c.runIds)).toEqual([['r1'], ['r1']])
      expect(await busy.remove(r.value.id)).toMatchObject({ ok: false, error: { code: 'servers/not-found' } })
    } finally {
      busy.stop()
    }
  })

  it('the app refuses to remove a busy server while the engine cannot move its runs, and leaves it draining', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fleet-adapter-'))
    const answers: Array<() => Promise<{ moved: string[]; remaining: string[] }>> = [
      () => Promise.reject(new Error('the worker is restarting')),
      () => Promise.resolve({ moved: [], remaining: ['r1'] }),
      () => Promise.resolve({ moved: ['r1'], remaining: [] }),
    ]
    const service = createFleetService({
      db,
      dataDir,
      defaultSlots: () => 2,
      monitor: MONITOR,
      evacuate: () => answers.shift()!(),
    })
    try {
      const added = await service.add({ name: 'busy', address: 'busy-host' })
      if (!added.ok) throw new Error(added.error.message)
      const id = added.value.id
      service.setSlotUsage([{ serverId: id, inUse: 1, runIds: ['r1'] }])
      const down = await service.remove(id)
      expect(down).toMatchObject({ ok: false, error: { code: 'servers/busy', details: { runIds: ['r1'] } } })
      expect(down.ok ? '' : down.error.message).toContain('could not be moved (the worker is restarting)')
      expect(service.list().find((s) => s.id === id)?.draining).toBe(true)
      const late = await service.remove(id)
      expect(late).toMatchObject({ ok: false, error: { code: 'servers/busy', details: { runIds: ['r1'] } } })
      expect(service.list().some((s) => s.id === id)).toBe(true)
      expect(await service.remove(id)).toEqual({ ok: true, value: { moved: ['r1'] } })
      expect(service.list().some((s) => s.id === id)).toBe(false)
    } finally {
      await service.stop()
    }
  })

  it('passes registry validation errors through unchanged', () => {
    expect(fleet.add({ name: '', address: 'x' })).toMatchObject({ ok: false, error: { code: 'servers/bad-name' } })
    mustAdd('one', 'dup-host')
    expect(fleet.add({ name: 'two', address: 'http://dup-host:8188' })).toMatchObject({
      ok: false,
      error: { code: 'servers/duplicate-address' },
    })
    expect(fleet.list()).toHaveLength(1)
  })
})

describe('Fleet.testConnection', () => {
  it('reports device, version and latency of a ComfyUI server', async () => {
    const a = await sim('t')
    const result = await fleet.testConnection(a.url)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value.device).toContain('RTX t')
    expect(result.value.comfyuiVersion).toMatch(/^\d+\.\d+/)
    expect(result.value.latencyMs).toBeGreaterThanOrEqual(0)
  })

  it('says when nothing answers, when the address is bad, and when it is not ComfyUI', async () => {
    const stopped = await sim('gone')
    const url = stopped.url
    await stopped.stop()
    expect(await fleet.testConnection(url)).toMatchObject({ ok: false, error: { code: 'servers/unreachable' } })
    expect(await fleet.testConnection('ftp://x')).toMatchObject({ ok: false, error: { code: 'servers/bad-address' } })

    const other: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<html>not comfy</html>')
    })
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise((resolve) => other.close(() => resolve())))
    const port = (other.address() as AddressInfo).port
    const result = await fleet.testConnection(`127.0.0.1:${port}`)
    expect(result).toMatchObject({ ok: false, error: { code: 'servers/not-comfyui' } })
    if (!result.ok) expect(result.error.message).toMatch(/is this a ComfyUI server/)
  })
})
