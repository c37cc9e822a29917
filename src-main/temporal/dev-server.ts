import { spawn } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import type { ProcessState } from '../../src-shared/contract'
import { sleep } from '../process/backoff'
import { stopPid } from '../process/pid'
import { ExitedBeforeReady, spawnedChild, Supervisor, type SupervisedChild } from '../process/supervisor'
import { LogFile } from '../process/log-file'
import { freePort, isListening, isTemporal } from './probe'
import { clearServerPid, isOurServer, readServerPid, writeServerPid } from './server-pid-file'

export interface DevServerOptions {
  cliPath: string
  /** SQLite file of the dev server: runs survive restarts of the app and of the server. */
  dbFile: string
  logDir: string
  host?: string
  /** 0 = pick a free port. */
  port: number
  uiPort: number
  namespace?: string
  /** Skip the Web UI (tests). */
  headlessUi?: boolean
}

export interface DevServerEvents {
  state: [ProcessState, string | null]
  notice: [string]
}

const SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal']

/**
 * Supervises `temporal server start-dev`: starts it on a usable port, waits until it answers gRPC,
 * restarts it with backoff if it dies, and stops it cleanly. A server left running on our database
 * by an earlier app that was killed is stopped first and replaced by one we supervise (its pid is
 * in `<db>.pid`). If the port hosts someone else's Temporal server (one the user runs), that server
 * is used and watched: when it stops answering, we start our own on its port.
 */
export class TemporalDevServer extends EventEmitter<DevServerEvents> {
  /** A cold start on a slow disk with a large db can take a while; beyond this something is wrong. */
  static readonly READY_TIMEOUT_MS = 45_000
  static readonly STOP_TIMEOUT_MS = 10_000
  /** Tries of the first start: a port can be taken between our check and the server's bind. */
  static readonly START_ATTEMPTS = 3
  /** How often a server we use but did not start is probed, and how many misses mean it is gone. */
  static readonly EXTERNAL_PROBE_MS = 2_000
  static readonly EXTERNAL_MISSES = 2

  private stopping = false
  /** While start() is still trying, an early exit is its to handle, not the restart supervisor's. */
  private firstStart = false
  private readonly log: LogFile
  private readonly supervisor: Supervisor<SupervisedChild>
  private externalWatch: NodeJS.Timeout | null = null
  state: ProcessState = 'down'
  address = ''
  uiUrl: string | null = null
  /** True when we found a Temporal server already running and use it as is. */
  external = false

  constructor(private readonly opts: DevServerOptions) {
    super()
    this.log = new LogFile(join(opts.logDir, 'temporal.log'))
    this.supervisor = new Supervisor<SupervisedChild>({
      label: 'Temporal dev server',
      spawn: () => this.spawnServer(),
      waitReady: (_child, settled) => this.untilAnswering(settled),
      readyMeans: () => `answer on ${this.address}`,
      readyTimeoutMs: TemporalDevServer.READY_TIMEOUT_MS,
      stopTimeoutMs: TemporalDevServer.STOP_TIMEOUT_MS,
      context: () => this.said(),
      restartsOnExit: () => !this.firstStart,
    })
    this.supervisor.on('state', (state, error) => this.setState(state, error))
    this.supervisor.on('exit', (child, why) => {
      clearServerPid(this.pidFile, child.pid)
      this.log.line(`[supervisor] temporal ${why}`)
    })
    this.supervisor.on('restarted', (n) => this.emit('notice', `Temporal dev server restarted (restart #${n}).`))
  }

  get restarts(): number {
    return this.supervisor.restarts
  }

  private get host(): string {
    return this.opts.host ?? '127.0.0.1'
  }

  private get pidFile(): string {
    return `${this.opts.dbFile}.pid`
  }

  async start(): Promise<{ address: string; uiUrl: string | null }> {
    this.stopping = false
    this.firstStart = true
    try {
      await this.stopOrphan()
      for (let attempt = 1; ; attempt++) {
        const port = await this.choosePort()
        if (this.external) return { address: this.address, uiUrl: this.uiUrl }
        const uiPort = this.opts.headlessUi ? 0 : await this.chooseUiPort(port)
        this.address = `${this.host}:${port}`
        this.uiUrl = this.opts.headlessUi ? null : `http://${this.host}:${uiPort}`
        try {
          await this.supervisor.launch()
          return { address: this.address, uiUrl: this.uiUrl }
        } catch (e) {
          if (attempt >= TemporalDevServer.START_ATTEMPTS || this.stopping || !(e instanceof ExitedBeforeReady)) throw e
          this.emit(
            'notice',
            `${e.message}; starting it again (try ${attempt + 1} of ${TemporalDevServer.START_ATTEMPTS}).`
          )
          await sleep(this.supervisor.nextDelay())
        }
      }
    } finally {
      this.firstStart = false
    }
  }

  /**
   * A server on our database that this app no longer supervises (main was killed) is stopped:
   * reusing it would leave runs stalled the day it dies, and two servers must never share the db.
   */
  private async stopOrphan(): Promise<void> {
    const orphan = readServerPid(this.pidFile)
    if (orphan === null) return
    if (isOurServer(orphan.pid, this.opts.dbFile)) {
      this.emit(
        'notice',
        `A Temporal server (pid ${orphan.pid}) left running by an earlier ComfyFleet uses this data dir; ` +
          'stopping it to start one this app supervises.'
      )
      await stopPid(orphan.pid, TemporalDevServer.STOP_TIMEOUT_MS)
    }
    clearServerPid(this.pidFile, orphan.pid)
  }

  /** The configured port, unless it is taken: by Temporal (use it), or by something else (pick another). */
  private async choosePort(): Promise<number> {
    const wanted = this.opts.port
    if (wanted === 0) return freePort(this.host)
    if (!(await isListening(this.host, wanted))) return wanted
    if (await isTemporal(`${this.host}:${wanted}`)) {
      this.external = true
      this.address = `${this.host}:${wanted}`
      this.uiUrl = this.opts.headlessUi ? null : `http://${this.host}:${this.opts.uiPort || wanted + 1000}`
      this.setState('up', null)
      this.emit('notice', `A Temporal server already answers on ${this.address}; using it.`)
      this.watchExternal()
      return wanted
    }
    const other = await freePort(this.host)
    this.emit('notice', `Port ${wanted} is taken by something that is not Temporal; the embedded server uses ${other}.`)
    return other
  }

  /** Probe a server we use but did not start; when it is gone, start our own (supervised) on its port. */
  private watchExternal(): void {
    let misses = 0
    let probing = false
    this.externalWatch = setInterval(() => {
      if (probing || this.stopping) return
      probing = true
      void isTemporal(this.address, 1000)
        .then(async (up) => {
          misses = up ? 0 : misses + 1
          if (misses < TemporalDevServer.EXTERNAL_MISSES || this.stopping) return
          this.stopWatchingExternal()
          await this.takeOver()
        })
        .finally(() => (probing = false))
    }, TemporalDevServer.EXTERNAL_PROBE_MS)
  }

  private stopWatchingExternal(): void {
    if (this.externalWatch) clearInterval(this.externalWatch)
    this.externalWatch = null
  }

  private async takeOver(): Promise<void> {
    this.external = false
    const port = Number(this.address.split(':').pop())
    if (!this.opts.headlessUi) this.uiUrl = `http://${this.host}:${await this.chooseUiPort(port)}`
    this.setState('restarting', `The Temporal server at ${this.address} stopped answering`)
    this.emit('notice', `The Temporal server at ${this.address} stopped answering; starting one this app supervises.`)
    await this.supervisor.restartLater()
  }

  private async chooseUiPort(grpcPort: number): Promise<number> {
    const wanted = this.opts.uiPort
    if (wanted !== 0 && wanted !== grpcPort && !(await isListening(this.host, wanted))) return wanted
    const other = await freePort(this.host)
    if (wanted !== 0) this.emit('notice', `Port ${wanted} is taken; the Temporal UI uses ${other}.`)
    return other
  }

  private args(port: number, uiPort: number): string[] {
    const a = ['server', 'start-dev', '--ip', this.host, '--port', String(port), '--db-filename', this.opts.dbFile]
    a.push('--namespace', this.opts.namespace ?? 'default', '--log-level', 'warn')
    // WAL with synchronous=NORMAL: a commit no longer waits for an fsync of the whole database (about a third of
    // each run's latency here), and a crash of any process still loses nothing; only an OS crash or power cut
    // may roll back the last moments (SQLite's documented trade-off), never corrupt the file.
    for (const pragma of SQLITE_PRAGMAS) a.push('--sqlite-pragma', pragma)
    // A run's priority (Temporal's priority key) orders task queues only with the priority-aware matcher;
    // Server 1.29 still defaults to the FIFO one (temporalio/temporal#7196, auto-enabled only later).
    a.push('--dynamic-config-value', 'matching.useNewMatcher=true')
    // Tasks are written to one partition per task queue: a single machine has no use for four, priority orders only
    // within one, and a burst's tasks were stranded in partitions no poller was on (bench/burst-dispatch.ts, the
    // longest 40 runs of a 200-run request: 7-11 waited 1-3.9 s for their first workflow task; with one write
    // partition none, at most 0.74 s). Reads stay on all of them, as Temporal asks when partitions shrink (writes
    // first, reads once the backlog is gone): what an older version queued in any partition is still handed out
    // (test/integration/foundation/dev-server.test.ts).
    a.push('--dynamic-config-value', 'matching.numTaskqueueWritePartitions=1')
    if (this.opts.headlessUi) a.push('--headless')
    else a.push('--ui-port', String(uiPort))
    return a
  }

  /** Starts the server on the port in {@link address} (and the UI port in {@link uiUrl}), its pid beside the db. */
  private spawnServer(): SupervisedChild {
    const port = Number(this.address.split(':').pop())
    const uiPort = this.uiUrl ? Number(new URL(this.uiUrl).port) : 0
    const child = spawn(this.opts.cliPath, this.args(port, uiPort), { stdio: ['ignore', 'pipe', 'pipe'] })
    if (child.pid !== undefined) writeServerPid(this.pidFile, { pid: child.pid, port })
    this.log.forget()
    this.log.attach(child.stdout)
    this.log.attach(child.stderr)
    return spawnedChild(child)
  }

  /** Ready is answering gRPC: probe until it does (the supervisor times out and watches for an exit). */
  private async untilAnswering(settled: () => boolean): Promise<void> {
    while (!settled()) {
      if (await isTemporal(this.address, 1000)) return
      await sleep(200)
    }
  }

  /** What the server last printed and where its whole log is, for an error message. */
  private said(): string {
    const tail = this.log.lastLines().join(' | ')
    return `${tail ? `; it said: ${tail}` : ''} (log: ${this.log.path})`
  }

  /** Kill the server abruptly (tests and chaos use this to simulate a crash). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.supervisor.child?.kill(signal)
  }

  get pid(): number | null {
    return this.supervisor.child?.pid ?? null
  }

  async stop(): Promise<void> {
    this.stopping = true
    this.stopWatchingExternal()
    await this.supervisor.stop()
    if (!this.external) this.setState('down', null)
    await this.log.close()
  }

  private setState(state: ProcessState, error: string | null): void {
    this.state = state
    this.emit('state', state, error)
  }
}
