import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readStandaloneConfig, WorkerConfigError } from '../../../src-worker/standalone-config'

let dir: string
const server = { id: 'c0', address: 'http://127.0.0.1:18609' }
const temporal = { address: '127.0.0.1:7600' }

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'worker-config-'))
  mkdirSync(join(dir, 'certs'))
  writeFileSync(join(dir, 'certs/client.pem'), 'cert')
  writeFileSync(join(dir, 'certs/client.key'), 'key')
})

function write(name: string, config: unknown): string {
  const path = join(dir, `${name}.json`)
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config))
  return path
}

/** The problems a config is refused with (empty when it is accepted). */
function problems(config: unknown): string[] {
  try {
    readStandaloneConfig(write('c', config))
    return []
  } catch (error) {
    if (error instanceof WorkerConfigError) return error.problems
    throw error
  }
}

describe('standalone worker config', () => {
  it('accepts a minimal config and fills the documented defaults', () => {
    const c = readStandaloneConfig(write('ok', { temporal, servers: [server] }))
    expect(c).toMatchObject({
      temporal: { address: '127.0.0.1:7600', namespace: 'default', tls: null, apiKey: null },
      taskQueue: 'comfyfleet',
      dataDir: join(dir, 'comfyfleet-data'),
      probeIntervalMs: 10_000,
      ownsWholeFarm: false,
      workflowBundlePath: null,
    })
    expect(c.servers).toEqual([{ id: 'c0', name: undefined, address: server.address, slots: undefined }])
  })

  it('names every unknown key and wrong type at once, with its field path (field case dist/05 typo-keys)', () => {
    const found = problems({
      temporal,
      probeIntervalMS: 60000,
      ownsWholeFarm: 'yes',
      servers: [{ ...server, slot: 4 }],
    })
    expect(found).toEqual(
      expect.arrayContaining([
        'probeIntervalMS: unknown key',
        'servers[0].slot: unknown key',
        expect.stringMatching(/^ownsWholeFarm: /),
      ])
    )
  })

  it('refuses a task queue that is not a string, and out-of-range numbers (dist/05 taskqueue-number, probe-negative, bad-slots)', () => {
    expect(problems({ temporal, taskQueue: 42, servers: [server] })).toEqual([
      expect.stringMatching(/^taskQueue: .*string/),
    ])
    expect(problems({ temporal, probeIntervalMs: -5, servers: [server] })).toEqual([
      expect.stringMatching(/^probeIntervalMs: .*1000/),
    ])
    expect(problems({ temporal, servers: [{ ...server, slots: 0 }] })).toEqual([
      expect.stringMatching(/^servers\[0\]\.slots: /),
    ])
  })

  it('refuses bad addresses and empty or duplicated server lists', () => {
    expect(problems({ temporal, servers: [{ address: '127.0.0.1:18609' }] })).toEqual([
      'servers[0].address: must be an http(s):// URL',
    ])
    expect(problems({ temporal: { address: 'nohostport' }, servers: [server] })[0]).toMatch(/^temporal\.address: /)
    expect(problems({ temporal, servers: [] })).toEqual(['servers: must list at least one server'])
    expect(problems({ temporal, servers: [server, { ...server, id: 'c1' }] })).toEqual([
      'servers[1].address: http://127.0.0.1:18609 is listed twice',
    ])
    expect(problems({ servers: [server] })[0]).toMatch(/^temporal: /)
  })

  it('keeps each server address in its one spelling, so one server written two ways is listed twice', () => {
    const c = readStandaloneConfig(write('spelling', { temporal, servers: [{ id: 'a', address: 'http://GPU-1/' }] }))
    expect(c.servers[0]!.address).toBe('http://gpu-1:8188')
    const twice = [
      { id: 'a', address: 'http://gpu-1:8188' },
      { id: 'b', address: 'HTTP://Gpu-1/' },
    ]
    expect(problems({ temporal, servers: twice })).toEqual(['servers[1].address: http://gpu-1:8188 is listed twice'])
    expect(problems({ temporal, servers: [{ address: 'http://gpu-1:8188/comfy' }] })).toEqual([
      'servers[0].address: Address "http://gpu-1:8188/comfy" has a path (/comfy); give only host and port.',
    ])
  })

  it('resolves TLS and bundle paths from the config folder and names a missing file (dist/05 tls-*, bundle-missing)', () => {
    const tls = { certPath: 'certs/client.pem', keyPath: 'certs/client.key' }
    const c = readStandaloneConfig(write('tls', { temporal: { ...temporal, tls }, servers: [server] }))
    expect(c.temporal.tls).toEqual({
      certPath: join(dir, 'certs/client.pem'),
      keyPath: join(dir, 'certs/client.key'),
      caPath: null,
      serverName: null,
    })
    expect(problems({ temporal, workflowBundlePath: './nope.js', servers: [server] })).toEqual([
      `workflowBundlePath: file not found: ${join(dir, 'nope.js')} (relative paths are from the config file's folder)`,
    ])
    expect(
      problems({ temporal: { ...temporal, tls: { ...tls, caPath: 'certs/ca.pem' } }, servers: [server] })[0]
    ).toMatch(/^temporal\.tls\.caPath: file not found/)
  })

  it('says what is wrong with a file that is not JSON or cannot be read', () => {
    expect(problems('{ "temporal": ')[0]).toMatch(/^is not JSON: /)
    expect(() => readStandaloneConfig(join(dir, 'absent.json'))).toThrow(/cannot be read/)
  })
})
