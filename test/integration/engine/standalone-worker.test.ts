/**
 * The standalone worker as a service on a GPU host: it waits for Temporal (with backoff, saying why)
 * instead of exiting, logs its server going down and up, stops on SIGTERM, and refuses a bad config
 * naming the field. Field case dist/05.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SimServer } from '../../../sim'
import { DevServer, quietRuntime, waitFor, workerBundle } from './helpers'

const ENTRY = join(__dirname, '../../../src-worker/index.ts')
let temporal: DevServer | null = null
let sim: SimServer | null = null
let worker: ChildProcess | null = null

afterAll(async () => {
  worker?.kill('SIGKILL')
  await sim?.stop()
  await temporal?.stop()
})

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function startWorker(config: unknown): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const dir = mkdtempSync(join(tmpdir(), 'standalone-'))
  writeFileSync(join(dir, 'worker.json'), JSON.stringify(config))
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, '--config', join(dir, 'worker.json')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-50_000)))
  child.stderr?.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-50_000)))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, output: () => out, exited }
}

describe('standalone worker', () => {
  it('waits for Temporal, logs its server down and up, and stops on SIGTERM', async () => {
    quietRuntime()
    const port = await freePort()
    sim = new SimServer({ name: 'svc-gpu' })
    await sim.start()
    const w = startWorker({
      temporal: { address: `127.0.0.1:${port}` },
      taskQueue: 'svc-test',
      dataDir: './data',
      workflowBundlePath: await workerBundle(),
      probeIntervalMs: 1000,
      servers: [{ id: 'svc-gpu0', name: 'svc GPU 0', address: sim.url }],
    })
    worker = w.child
    await waitFor('a retry message', () => /unreachable .*retrying in/.test(w.output()), 60_000)
    temporal = new DevServer()
    temporal.port = port
    await temporal.start()
    await waitFor('the worker running', () => w.output().includes('worker running on task queue svc-test'), 60_000)
    expect(w.output()).toContain('server svc GPU 0')
    expect(w.output()).toMatch(/svc GPU 0 .* is up/)
    await sim.stop()
    await waitFor('the server logged down', () => /svc GPU 0 .* is down/.test(w.output()), 20_000)
    await sim.start()
    await waitFor(
      'the server logged up again',
      () => (w.output().match(/svc GPU 0 .* is up/g) ?? []).length >= 2,
      20_000
    )
    w.child.kill('SIGTERM')
    expect(await w.exited).toBe(0)
    expect(w.output()).toContain('SIGTERM: stopping')
  }, 180_000)

  it('refuses a bad config, naming every wrong field, before touching any server', async () => {
    const w = startWorker({
      temporal: { address: '127.0.0.1:1' },
      taskQueue: 42,
      probeIntervalMs: -5,
      servers: [{ address: 'http://127.0.0.1:1', slot: 4 }],
    })
    expect(await w.exited).toBe(1)
    expect(w.output()).toContain('taskQueue:')
    expect(w.output()).toContain('probeIntervalMs:')
    expect(w.output()).toContain('servers[0].slot: unknown key')
  }, 60_000)
})
