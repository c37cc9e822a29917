/**
 * Spare sockets on a real simulator: one opened ahead of the first run, the socket of a run that ended well
 * kept for the next one (up to two a server), a closed or surplus one never kept, a spare the server drops
 * forgotten.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SimServer } from '../../../../sim'
import { ComfySocket } from '../../../../src-shared/comfy/ws-client'
import { SpareSockets } from '../../../../src-worker/activities/spare-sockets'

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
  if (!check()) throw new Error(`timed out waiting for ${what}`)
}

async function openSocket(sim: SimServer): Promise<ComfySocket> {
  const socket = new ComfySocket(sim.url, `test-${Math.random()}`)
  await socket.open()
  return socket
}

describe('spare sockets', () => {
  let sim: SimServer
  let spares: SpareSockets

  beforeAll(async () => {
    sim = new SimServer({ timing: { stepMs: 1, nodeMs: 0, loadMs: 0 } })
    await sim.start()
    spares = new SpareSockets()
  })

  afterAll(async () => {
    spares?.stop()
    await sim?.stop()
  })

  it('opens a spare behind the first take, and keeps a handed-back socket for the next run', async () => {
    expect(spares.take(sim.url)).toBeNull()
    await until(() => spares.count(sim.url) === 1, 'the first spare')
    const first = spares.take(sim.url)
    expect(first?.isOpen).toBe(true)
    await until(() => spares.count(sim.url) === 1, 'the spare behind it')
    spares.giveBack(sim.url, first!)
    expect(spares.count(sim.url)).toBe(2)
    expect(first!.isOpen).toBe(true)
    // Taken in the order they were kept: the refill first, then the handed-back one, with no new spare opened.
    const a = spares.take(sim.url)
    const b = spares.take(sim.url)
    expect(b).toBe(first)
    expect(a).not.toBe(first)
    spares.giveBack(sim.url, a!)
    spares.giveBack(sim.url, b!)
  })

  it('closes a socket handed back when the server has its two spares, or when it is closed already', async () => {
    await until(() => spares.count(sim.url) === 2, 'two spares')
    const surplus = await openSocket(sim)
    spares.giveBack(sim.url, surplus)
    expect(spares.count(sim.url)).toBe(2)
    expect(surplus.isOpen).toBe(false)
    const taken = spares.take(sim.url)!
    taken.close()
    spares.giveBack(sim.url, taken)
    expect(spares.count(sim.url)).toBe(1)
  })

  it('forgets spares the server closes', async () => {
    expect(spares.count(sim.url)).toBeGreaterThan(0)
    sim.dropWebSockets()
    await until(() => spares.count(sim.url) === 0, 'the dropped spares to go')
  })
})
