import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type CacheDatabase } from '../../../../src-main/cache'
import { ServerRegistry } from '../../../../src-main/fleet'
import type { ServerCapabilities } from '../../../../src-shared/contract/servers'
import { tempDir } from '../../../helpers/cache-fixtures'

let db: CacheDatabase
let registry: ServerRegistry
let clock = 1000
beforeEach(() => {
  db = openDatabase(null)
  clock = 1000
  registry = new ServerRegistry(db, () => clock++)
})
afterEach(() => db.close())

function added(name: string, address: string, slots?: number) {
  const result = registry.add({ name, address, ...(slots === undefined ? {} : { slots }) }, 2)
  if (!result.ok) throw new Error(result.error.message)
  return result.value
}

describe('ServerRegistry', () => {
  it('adds, lists, gets, updates and removes servers', () => {
    const a = added('GPU A', 'gpu-a')
    expect(a).toMatchObject({
      name: 'GPU A',
      address: 'http://gpu-a:8188',
      enabled: true,
      draining: false,
      slots: 2,
      tags: [],
    })
    const b = added('GPU B', 'https://gpu-b:9000', 4)
    expect(registry.list().map((s) => s.id)).toEqual([a.id, b.id])
    expect(registry.get(b.id)?.slots).toBe(4)

    const updated = registry.update(a.id, {
      name: ' Renamed ',
      slots: 8,
      tags: ['fast', 'fast', ' sdxl '],
      draining: true,
    })
    expect(updated).toMatchObject({
      ok: true,
      value: { name: 'Renamed', slots: 8, tags: ['fast', 'sdxl'], draining: true },
    })
    if (updated.ok) expect(updated.value.updatedAt).toBeGreaterThan(a.updatedAt)
    expect(registry.update(a.id, { enabled: false })).toMatchObject({
      ok: true,
      value: { enabled: false, draining: true },
    })
    expect(registry.get(a.id)).toMatchObject({ enabled: false, draining: true, name: 'Renamed' })

    expect(registry.remove(a.id)).toEqual({ ok: true, value: null })
    expect(registry.get(a.id)).toBeNull()
    expect(registry.list()).toHaveLength(1)
  })

  it('answers list() from memory, and every change shows in the next list (earlier lists stay as they were)', () => {
    const a = added('GPU A', 'gpu-a')
    const before = registry.list()
    expect(registry.list()).toBe(before)
    registry.update(a.id, { slots: 5 })
    expect(registry.list()[0]?.slots).toBe(5)
    expect(before[0]?.slots).toBe(2)
    const b = added('GPU B', 'gpu-b')
    expect(registry.list().map((s) => s.id)).toEqual([a.id, b.id])
    registry.remove(a.id)
    expect(registry.list().map((s) => s.id)).toEqual([b.id])
    // What get() hands out is the caller's own copy.
    const got = registry.get(b.id)
    got?.tags.push('mine')
    expect(registry.get(b.id)?.tags).toEqual([])
  })

  it('uses the default slot count from settings when none is given', () => {
    const r = registry.add({ name: 'x', address: 'x' }, 5)
    expect(r.ok && r.value.slots).toBe(5)
  })

  it('refuses a duplicate address however it is written, naming the server that has it', () => {
    const a = added('GPU A', 'gpu-a')
    for (const spelling of ['gpu-a', 'GPU-A:8188', 'http://gpu-a:8188/', 'http://gpu-a']) {
      const dup = registry.add({ name: 'again', address: spelling })
      expect(dup).toMatchObject({ ok: false, error: { code: 'servers/duplicate-address' } })
      if (!dup.ok) expect(dup.error.message).toContain('GPU A')
    }
    const b = added('GPU B', 'gpu-b')
    expect(registry.update(b.id, { address: 'gpu-a' })).toMatchObject({
      ok: false,
      error: { code: 'servers/duplicate-address' },
    })
    expect(registry.update(a.id, { address: 'http://gpu-a:8188' }).ok).toBe(true)
    expect(registry.get(b.id)?.address).toBe('http://gpu-b:8188')
  })

  it.each([
    [{ name: '', address: 'gpu' }, 'servers/bad-name', /name is empty/],
    [{ name: '   ', address: 'gpu' }, 'servers/bad-name', /name is empty/],
    [{ name: 'x'.repeat(101), address: 'gpu' }, 'servers/bad-name', /longer than 100/],
    [{ name: 'ok', address: 'ftp://gpu' }, 'servers/bad-address', /scheme/],
    [{ name: 'ok', address: 'http://a:b@gpu' }, 'servers/bad-address', /password/],
    [{ name: 'ok', address: 'gpu/path' }, 'servers/bad-address', /path/],
    [{ name: 'ok', address: 42 as unknown as string }, 'servers/bad-address', /must be text/],
    [{ name: 'ok', address: 'gpu', slots: 0 }, 'servers/bad-slots', /1 to 8, got 0/],
    [{ name: 'ok', address: 'gpu', slots: 9 }, 'servers/bad-slots', /1 to 8, got 9/],
    [{ name: 'ok', address: 'gpu', slots: 1.5 }, 'servers/bad-slots', /whole number/],
    [{ name: 'ok', address: 'gpu', tags: 'a' as unknown as string[] }, 'servers/bad-tags', /list/],
    [{ name: 'ok', address: 'gpu', tags: [''] }, 'servers/bad-tags', /non-empty/],
    [{ name: 'ok', address: 'gpu', tags: ['x'.repeat(41)] }, 'servers/bad-tags', /longer than 40/],
    [
      { name: 'ok', address: 'gpu', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      'servers/bad-tags',
      /at most 20/,
    ],
  ])('refuses %j with %s', (input, code, message) => {
    const result = registry.add(input)
    expect(result).toMatchObject({ ok: false, error: { code } })
    if (!result.ok) expect(result.error.message).toMatch(message)
    expect(registry.list()).toEqual([])
  })

  it('leaves a server untouched when an update is refused, and reports unknown ids', () => {
    const a = added('GPU A', 'gpu-a')
    expect(registry.update(a.id, { name: 'new name', slots: 99 })).toMatchObject({
      ok: false,
      error: { code: 'servers/bad-slots' },
    })
    expect(registry.update(a.id, { enabled: 'yes' as unknown as boolean })).toMatchObject({
      ok: false,
      error: { code: 'servers/bad-flag' },
    })
    expect(registry.get(a.id)).toEqual(a)
    expect(registry.update('nope', { name: 'x' })).toMatchObject({ ok: false, error: { code: 'servers/not-found' } })
    expect(registry.remove('nope')).toMatchObject({ ok: false, error: { code: 'servers/not-found' } })
  })

  it('persists servers and capabilities across a reopen of the database file', () => {
    const t = tempDir()
    try {
      const first = openDatabase(t.dir)
      const reg = new ServerRegistry(first)
      const add = reg.add({ name: 'GPU', address: 'gpu', tags: ['a'] })
      if (!add.ok) throw new Error(add.error.message)
      const caps: ServerCapabilities = {
        nodeClasses: ['KSampler'],
        enums: { 'KSampler.sampler_name': ['euler'] },
        fetchedAt: 5,
      }
      reg.saveCapabilities(add.value.id, caps, 'v1')
      first.close()
      const second = openDatabase(t.dir)
      const again = new ServerRegistry(second)
      expect(again.get(add.value.id)).toEqual(add.value)
      expect(again.loadCapabilities(add.value.id)).toEqual({ capabilities: caps, identity: 'v1' })
      second.close()
    } finally {
      t.cleanup()
    }
  })
})
