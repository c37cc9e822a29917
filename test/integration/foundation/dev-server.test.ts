import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client, Connection } from '@temporalio/client'
import { NativeConnection, Worker } from '@temporalio/worker'
import { afterEach, describe, expect, test } from 'vitest'
import { TemporalDevServer } from '../../../src-main/temporal/dev-server'
import { freePort, isTemporal } from '../../../src-main/temporal/probe'
import { temporalCli } from '../../helpers/temporal-cli'
import { quietRuntime } from '../engine/helpers'
import { until } from '../../helpers/until'

const servers: TemporalDevServer[] = []
const blockers: Server[] = []

function devServer(dir: string, port: number, cliPath = temporalCli()): TemporalDevServer {
  const s = new TemporalDevServer({
    cliPath,
    dbFile: join(dir, 'temporal.db'),
    logDir: dir,
    port,
    uiPort: 0,
    headlessUi: true,
  })
  servers.push(s)
  return s
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()))
  for (const b of blockers.splice(0)) b.close()
})

describe('TemporalDevServer', () => {
  test('starts, answers, survives kill -9 (restarted) and keeps workflows in its db file across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-dev-'))
    const port = await freePort()
    const s = devServer(dir, port)
    const states: string[] = []
    s.on('state', (st) => states.push(st))
    const { address } = await s.start()
    expect(address).toBe(`127.0.0.1:${port}`)
    expect(await isTemporal(address)).toBe(true)

    // A workflow started now (no worker needed) must still be there after restarts.
    const conn = await Connection.connect({ address })
    const client = new Client({ connection: conn })
    await client.workflow.start('notRegistered', { taskQueue: 'nobody', workflowId: 'persisted-1' })
    await conn.close()

    const pid = s.pid
    s.kill('SIGKILL')
    await until(() => s.state === 'up' && s.pid !== pid, 30_000, 'a restarted server')
    expect(states).toContain('restarting')
    expect(s.restarts).toBe(1)

    await s.stop()
    expect(s.state).toBe('down')
    const again = devServer(dir, port)
    await again.start()
    const conn2 = await Connection.connect({ address })
    const desc = await new Client({ connection: conn2 }).workflow.getHandle('persisted-1').describe()
    expect(desc.status.name).toBe('RUNNING')
    await conn2.close()
  })

  test('workflows an older server queued in any task-queue partition are all handed out after an upgrade', async () => {
    // The app before one write partition ran the dev server with its default partitions: workflows started then
    // with no worker wait in the backlogs of all of them, and the upgraded server must still hand out every one
    // (reading fewer partitions than were written would strand them for good).
    const dir = mkdtempSync(join(tmpdir(), 'cf-dev-'))
    const port = await freePort()
    const address = `127.0.0.1:${port}`
    const older = spawn(
      temporalCli(),
      [
        ...['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port)],
        ...['--db-filename', join(dir, 'temporal.db'), '--headless', '--log-level', 'error'],
        ...['--dynamic-config-value', 'matching.useNewMatcher=true'],
      ],
      { stdio: 'ignore' }
    )
    const olderExited = new Promise((r) => older.once('exit', r))
    await until(() => isTemporal(address, 5_000), 60_000, 'the older server to answer')
    const ids = Array.from({ length: 16 }, (_, i) => `queued-${i}`)
    const conn = await Connection.connect({ address })
    for (const id of ids)
      await new Client({ connection: conn }).workflow.start('hello', { taskQueue: 'upgrade', workflowId: id })
    await conn.close()
    older.kill('SIGTERM')
    await olderExited

    await devServer(dir, port).start()
    quietRuntime()
    const worker = await Worker.create({
      connection: await NativeConnection.connect({ address }),
      taskQueue: 'upgrade',
      workflowsPath: join(__dirname, 'fixtures', 'hello-workflow.ts'),
    })
    const running = worker.run()
    const conn2 = await Connection.connect({ address })
    try {
      const client = new Client({ connection: conn2 })
      const unfinished = async (): Promise<string[]> => {
        const states = await Promise.all(
          ids.map(async (id) => [id, (await client.workflow.getHandle(id).describe()).status.name])
        )
        return states.filter(([, status]) => status !== 'COMPLETED').map(([id]) => id!)
      }
      await until(async () => (await unfinished()).length === 0, 60_000, 'every queued workflow to complete').catch(
        async (e: unknown) => {
          throw new Error(`${String(e)}; still waiting: ${(await unfinished()).join(', ')}`)
        }
      )
    } finally {
      await conn2.close()
      worker.shutdown()
      await running
    }
  })

  test('a port taken by something else: picks a free one and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-dev-'))
    const port = await freePort()
    const blocker = createServer((sock) => {
      sock.on('error', () => undefined)
      sock.end('not temporal\n')
    })
    blockers.push(blocker)
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()))
    const s = devServer(dir, port)
    const notices: string[] = []
    s.on('notice', (n) => notices.push(n))
    const { address } = await s.start()
    expect(address).not.toBe(`127.0.0.1:${port}`)
    expect(notices.join('\n')).toContain(`Port ${port} is taken by something that is not Temporal`)
    expect(await isTemporal(address)).toBe(true)
  })

  test('a port taken by a Temporal server: uses it without starting another', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-dev-'))
    const first = devServer(dir, 0)
    const { address } = await first.start()
    const port = Number(address.split(':')[1])
    const second = devServer(mkdtempSync(join(tmpdir(), 'cf-dev-')), port)
    const r = await second.start()
    expect(r.address).toBe(address)
    expect(second.external).toBe(true)
    expect(second.pid).toBeNull()
  })

  test('a first start that dies before answering (its port taken meanwhile) is tried again, and the error says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-dev-'))
    // The real CLI behind a script whose first run fails as the CLI does when another process binds its port
    // between our check and its own bind (seen on a loaded CI machine).
    const script = join(dir, 'temporal-first-fails')
    writeFileSync(
      script,
      `#!/bin/sh\nif [ ! -e "${dir}/tried" ]; then touch "${dir}/tried"; ` +
        `echo 'msg="cannot set frontend port: bind: address already in use"' >&2; exit 1; fi\n` +
        `exec "${temporalCli()}" "$@"\n`
    )
    chmodSync(script, 0o755)
    const s = devServer(dir, 0, script)
    const notices: string[] = []
    s.on('notice', (n) => notices.push(n))
    const { address } = await s.start()
    expect(await isTemporal(address)).toBe(true)
    expect(notices.join('\n')).toMatch(
      /exited with code 1 before it was ready; it said: .*address already in use.*try 2 of 3/
    )
    expect(s.restarts).toBe(0)
  })

  test('a start that keeps dying gives up after three tries with what the server said', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-dev-'))
    const script = join(dir, 'temporal-always-fails')
    writeFileSync(script, `#!/bin/sh\necho "try" >> "${dir}/tries"; echo 'no db here' >&2; exit 3\n`)
    chmodSync(script, 0o755)
    await expect(devServer(dir, 0, script).start()).rejects.toThrow(
      /exited with code 3 before it was ready; it said: no db here/
    )
    expect(readFileSync(join(dir, 'tries'), 'utf8').trim().split('\n')).toHaveLength(3)
  })

  test('a server left running by an app that was killed is stopped and replaced by one this app supervises', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-dev-'))
    const port = await freePort()
    // A real earlier app: a process that starts the server the way the app does, then is killed -9.
    const source = join(__dirname, '../../../src-main/temporal/dev-server.ts')
    const earlier = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { TemporalDevServer } = require(${JSON.stringify(source)})
         const s = new TemporalDevServer({ cliPath: ${JSON.stringify(temporalCli())}, dbFile: ${JSON.stringify(join(dir, 'temporal.db'))},
           logDir: ${JSON.stringify(dir)}, port: ${port}, uiPort: 0, headlessUi: true })
         s.start().then(() => console.log('up ' + s.pid))`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] }
    )
    const orphanPid = await new Promise<number>((resolve) =>
      earlier.stdout.on('data', (c: Buffer) => {
        const m = /up (\d+)/.exec(c.toString())
        if (m) resolve(Number(m[1]))
      })
    )
    const gone = new Promise((r) => earlier.once('exit', r))
    earlier.kill('SIGKILL')
    await gone
    // The orphan still answers (a loaded machine may take a few seconds to answer a probe).
    await until(() => isTemporal(`127.0.0.1:${port}`, 5_000), 30_000, 'the orphaned server to answer')

    const s = devServer(dir, port)
    const notices: string[] = []
    s.on('notice', (n) => notices.push(n))
    const { address } = await s.start()
    expect(address).toBe(`127.0.0.1:${port}`)
    expect(s.external).toBe(false)
    expect(s.pid).not.toBe(orphanPid)
    expect(() => process.kill(orphanPid, 0)).toThrow()
    expect(notices.join('\n')).toContain(`pid ${orphanPid}) left running by an earlier ComfyFleet`)
    // Supervised: when it dies, it comes back.
    const pid = s.pid
    s.kill('SIGKILL')
    await until(() => s.state === 'up' && s.pid !== null && s.pid !== pid, 30_000, 'a replacing server')
    expect(await isTemporal(address)).toBe(true)
    await s.stop()
    expect(existsSync(join(dir, 'temporal.db.pid'))).toBe(false)
  })

  test("someone else's server that we use is watched: when it stops, we start our own on its port", async () => {
    const port = await freePort()
    const theirs = devServer(mkdtempSync(join(tmpdir(), 'cf-dev-')), port)
    const { address } = await theirs.start()
    const ours = devServer(mkdtempSync(join(tmpdir(), 'cf-dev-')), port)
    await ours.start()
    expect(ours.external).toBe(true)
    await theirs.stop()
    await until(() => !ours.external && ours.state === 'up' && ours.pid !== null, 60_000)
    expect(await isTemporal(address)).toBe(true)
  })
})
