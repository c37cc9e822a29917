import { afterEach, expect, test } from 'vitest'
import { openDatabase } from '../../../../src-main/cache'
import { Fleet } from '../../../../src-main/fleet'

let fleet: Fleet | null = null
afterEach(() => fleet?.stop())

test("a server's speed is its measured rate relative to the mean of measured servers", () => {
  fleet = new Fleet(openDatabase(null))
  const a = fleet.add({ name: 'fast', address: '127.0.0.1:1' })
  const b = fleet.add({ name: 'slow', address: '127.0.0.1:2' })
  const c = fleet.add({ name: 'new', address: '127.0.0.1:3' })
  if (!a.ok || !b.ok || !c.ok) throw new Error('add failed')
  fleet.setSlotUsage([
    { serverId: a.value.id, inUse: 1, runIds: ['run-1'], rate: 3 },
    { serverId: b.value.id, inUse: 0, runIds: [], rate: 1 },
    { serverId: c.value.id, inUse: 0, runIds: [], rate: null },
  ])
  const speed = Object.fromEntries(fleet.list().map((s) => [s.name, s.speed]))
  expect(speed).toEqual({ fast: 1.5, slow: 0.5, new: null })
  expect(fleet.list().find((s) => s.name === 'fast')!.slotsInUse).toBe(1)
})
