import { mkdtempSync, readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { SettingsStore } from '../../../../src-main/settings/settings-store'
import { DEFAULT_SETTINGS } from '../../../../src-main/settings/settings-schema'
import { resolveHeadlessDataDir } from '../../../../src-main/settings/data-dir'

const freshDir = (): string => mkdtempSync(join(tmpdir(), 'cf-settings-'))

describe('SettingsStore', () => {
  test('starts from defaults and persists a valid update', () => {
    const dir = freshDir()
    const store = new SettingsStore(dir)
    expect(store.get()).toEqual(DEFAULT_SETTINGS)
    const r = store.update({ defaultSlots: 3, temporal: { mode: 'remote', address: 'temporal.lan:7233' } })
    expect(r.ok).toBe(true)
    const reopened = new SettingsStore(dir)
    expect(reopened.get().defaultSlots).toBe(3)
    expect(reopened.get().temporal.address).toBe('temporal.lan:7233')
    expect(reopened.get().temporal.namespace).toBe('default')
  })

  test('a bad update is refused with every problem named, and the good file is untouched', () => {
    const dir = freshDir()
    const store = new SettingsStore(dir)
    expect(store.update({ defaultSlots: 4 }).ok).toBe(true)
    const before = readFileSync(join(dir, 'settings.json'), 'utf8')
    const r = store.update({
      defaultSlots: 0,
      retry: { backoffCoefficient: 50 },
      temporal: { mode: 'remote', address: 'no port' },
    })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('settings/invalid')
    expect(r.error.message).toContain('defaultSlots must be an integer from 1 to 8')
    expect(r.error.message).toContain('retry.backoffCoefficient')
    expect(r.error.details).toEqual({
      issues: expect.arrayContaining([
        { path: 'defaultSlots', message: 'must be an integer from 1 to 8' },
        { path: 'retry.backoffCoefficient', message: 'must be a number from 1 to 10' },
      ]) as unknown,
    })
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).toBe(before)
    expect(store.get().defaultSlots).toBe(4)
  })

  test('unknown keys are refused, not silently ignored', () => {
    const store = new SettingsStore(freshDir())
    const r = store.update({ temporal: { adress: 'x:1' } })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.message).toBe('Unknown setting: temporal.adress')
  })

  test('a cross-field rule is checked on the merged settings and names its field', () => {
    const r = new SettingsStore(freshDir()).update({ temporal: { mode: 'remote', address: 'no port' } })
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.error.details).toEqual({
        issues: [{ path: 'temporal.address', message: expect.stringMatching(/host:port/) as unknown }],
      })
  })

  test.each([
    ['{"toString":5}', 'toString'],
    ['{"constructor":{"prototype":{"polluted":"yes"}}}', 'constructor'],
    ['{"retry":{"valueOf":1}}', 'retry.valueOf'],
    ['{"__proto__":{"toString":1}}', '__proto__'],
  ])('a prototype name is an unknown key like any other: %s', (json, path) => {
    const dir = freshDir()
    const store = new SettingsStore(dir)
    const r = store.update(JSON.parse(json))
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('settings/unknown-key')
      expect(r.error.message).toBe(`Unknown setting: ${path}`)
    }
    expect(existsSync(join(dir, 'settings.json'))).toBe(false)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('a settings file with a prototype key is set aside, not loaded', () => {
    const dir = freshDir()
    writeFileSync(join(dir, 'settings.json'), '{"__proto__":{"defaultSlots":7},"toString":5}')
    const store = new SettingsStore(dir)
    expect(store.loadError).toMatch(/__proto__ is not a known key.*toString is not a known key/)
    expect(store.get()).toEqual(DEFAULT_SETTINGS)
  })

  test('remote TLS settings can be set and cleared', () => {
    const store = new SettingsStore(freshDir())
    const tls = { certPath: '/c.pem', keyPath: '/k.pem', caPath: null, serverName: null }
    expect(store.update({ temporal: { mode: 'remote', address: 'ns.tmprl.cloud:7233', tls } }).ok).toBe(true)
    expect(store.get().temporal.tls).toEqual(tls)
    expect(store.update({ temporal: { tls: null } }).ok).toBe(true)
    expect(store.get().temporal.tls).toBeNull()
  })

  test('a corrupt settings file is kept aside and defaults are used, with the reason', () => {
    const dir = freshDir()
    writeFileSync(join(dir, 'settings.json'), '{ not json')
    const store = new SettingsStore(dir)
    expect(store.get()).toEqual(DEFAULT_SETTINGS)
    expect(store.loadError).toMatch(/settings.json is not valid JSON .* moved it to .*broken-/)
    expect(readdirSync(dir).some((f) => f.startsWith('settings.json.broken-'))).toBe(true)
    expect(existsSync(join(dir, 'settings.json'))).toBe(false)
  })

  test('a settings file with invalid values is set aside too', () => {
    const dir = freshDir()
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ defaultSlots: 'many' }))
    const store = new SettingsStore(dir)
    expect(store.loadError).toContain('defaultSlots must be an integer from 1 to 8')
    expect(store.get().defaultSlots).toBe(2)
  })
})

describe('resolveHeadlessDataDir', () => {
  test('flag, then env, then ~/.comfyfleet', () => {
    expect(resolveHeadlessDataDir(['--data-dir', '/tmp/a'], { COMFYFLEET_DATA_DIR: '/tmp/b' })).toBe('/tmp/a')
    expect(resolveHeadlessDataDir(['--data-dir=/tmp/c'], {})).toBe('/tmp/c')
    expect(resolveHeadlessDataDir([], { COMFYFLEET_DATA_DIR: '/tmp/b' })).toBe('/tmp/b')
    expect(resolveHeadlessDataDir([], {})).toMatch(/\.comfyfleet$/)
  })
})
