import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import type { WorkerToMain } from '../../../../src-shared/contract'
import { nodeForker } from '../../../../src-main/worker-host/worker-child'
import { WorkerProcess } from '../../../../src-main/worker-host/worker-process'
import { until } from '../../../helpers/until'
import { workerServer } from '../../../helpers/worker-server'

const entry = resolve(__dirname, '../../../fixtures/processes/protocol-worker.mjs')
const running: WorkerProcess[] = []

function makeWorker(mode: string, readyTimeoutMs = 5000, stopTimeoutMs = 1000): { wp: WorkerProcess; logFile: string } {
  process.env.FIXTURE_MODE = mode
  const logFile = join(mkdtempSync(join(tmpdir(), 'cf-wp-')), 'worker.log')
  const wp = new WorkerProcess({
    entry,
    forker: nodeForker,
    logFile,
    readyTimeoutMs,
    stopTimeoutMs,
    bootConfig: () => ({
      temporal: { address: '127.0.0.1:1', namespace: 'default', tls: null, apiKey: null },
      taskQueue: 'tq-test',
      dataDir: '/tmp',
      workflowBundlePath: null,
      previews: false,
    }),
  })
  running.push(wp)
  return { wp, logFile }
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop()))
  delete process.env.FIXTURE_MODE
})

describe('WorkerProcess supervisor', () => {
  test('start resolves on the ready message, and logs go to the log file', async () => {
    const { wp, logFile } = makeWorker('normal')
    await wp.start()
    expect(wp.state).toBe('up')
    expect(wp.pid).toBeGreaterThan(0)
    await wp.stop()
    const log = readFileSync(logFile, 'utf8')
    expect(log).toContain('booted with task queue tq-test')
    expect(log).toContain('worker ready')
  })

  test('a preforked worker is the one start() boots (its modules load while Temporal starts)', async () => {
    const { wp, logFile } = makeWorker('normal')
    wp.prefork()
    const pid = wp.pid
    expect(pid).toBeGreaterThan(0)
    expect(wp.state).toBe('down')
    await wp.start()
    expect(wp.state).toBe('up')
    expect(wp.pid).toBe(pid)
    await wp.stop()
    expect(readFileSync(logFile, 'utf8').match(/booted with task queue/g)).toHaveLength(1)
  })

  test('a worker that dies before ready rejects start with its fatal message', async () => {
    const { wp } = makeWorker('die-early')
    await expect(wp.start()).rejects.toThrow(/exited with code 3 before it was ready: cannot connect to Temporal/)
  })

  test('a worker that never reports ready times out', async () => {
    const { wp } = makeWorker('never-ready', 500)
    await expect(wp.start()).rejects.toThrow(/did not report ready within 0.5 s/)
  })

  test('kill -9 is noticed, the worker is restarted and gets the servers again', async () => {
    const { wp } = makeWorker('normal')
    await wp.start()
    const server = workerServer('s1', { name: 'gpu', address: 'http://127.0.0.1:1' })
    wp.setServers([server])
    const firstPid = wp.pid
    const messages: WorkerToMain[] = []
    wp.on('message', (m) => messages.push(m))
    wp.kill('SIGKILL')
    await until(() => wp.state === 'up' && wp.pid !== firstPid)
    expect(wp.restarts).toBe(1)
    await until(() => messages.some((m) => m.type === 'log' && m.message === 'servers: s1'))
  })

  test('stop kills a worker that ignores shutdown', async () => {
    const { wp } = makeWorker('ignore-shutdown')
    await wp.start()
    const started = Date.now()
    await wp.stop()
    expect(wp.state).toBe('down')
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
  })
})
