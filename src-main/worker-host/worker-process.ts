import { EventEmitter } from 'node:events'
import type {
  MainToWorker,
  ProcessState,
  WorkerBootConfig,
  WorkerServer,
  WorkerToMain,
} from '../../src-shared/contract'
import { isWorkerToMain } from '../../src-shared/contract'
import { Backoff, sleep } from '../process/backoff'
import { LogFile } from '../process/log-file'
import type { LogLevel } from '../../src-shared/log/log-level'
import type { WorkerChild, WorkerForker } from './worker-child'

export interface WorkerProcessOptions {
  entry: string
  forker: WorkerForker
  /** Called on every (re)start, so a restarted worker gets the current settings. */
  bootConfig: () => WorkerBootConfig
  logFile: string
  /** Lowest level of the worker's own lines kept in its log (default info). */
  logLevel?: LogLevel
  readyTimeoutMs?: number
  stopTimeoutMs?: number
}

export interface WorkerProcessEvents {
  state: [ProcessState, string | null]
  message: [WorkerToMain]
}

/**
 * Supervises the Temporal worker process: start resolves on the worker's explicit 'ready'
 * message, an unexpected exit restarts it with backoff (re-sending boot config and servers),
 * and stop asks it to shut down before killing it.
 */
export class WorkerProcess extends EventEmitter<WorkerProcessEvents> {
  /** Creating a Worker connects to Temporal and loads the workflow bundle into a VM: seconds. */
  static readonly READY_TIMEOUT_MS = 60_000
  /** Worker.shutdown waits for in-flight activities to notice cancellation; give it a moment. */
  static readonly STOP_TIMEOUT_MS = 15_000

  private child: WorkerChild | null = null
  private servers: WorkerServer[] = []
  private serversKey = ''
  private stopping = false
  private requests = 0
  private readonly backoff = new Backoff(500, 15_000)
  private readonly log: LogFile
  state: ProcessState = 'down'
  restarts = 0
  lastError: string | null = null

  constructor(private readonly opts: WorkerProcessOptions) {
    super()
    this.log = new LogFile(opts.logFile, { threshold: opts.logLevel })
  }

  get pid(): number | null {
    return this.child?.pid ?? null
  }

  async start(): Promise<void> {
    this.stopping = false
    await this.spawnAndWait()
  }

  /**
   * Remember the servers and pass them on when something the worker schedules by changed (the fleet
   * changes with every slot report too, and a list with capabilities is large); a restarted worker gets
   * them again at boot.
   */
  setServers(servers: WorkerServer[]): void {
    const key = serversKey(servers)
    this.servers = servers
    if (key === this.serversKey) return
    this.serversKey = key
    this.child?.send({ type: 'servers', servers })
  }

  /**
   * Fork the worker now, without booting it, so its modules load while Temporal is still starting;
   * start() then boots this child instead of forking another.
   */
  prefork(): void {
    if (this.child === null) this.spawnChild()
  }

  /** The readiness waiter of the child being booted (ready, exit and timeout all settle it). */
  private settleBoot: ((e: Error | null) => void) | null = null
  private booted = false

  private spawnChild(): WorkerChild {
    const child = this.opts.forker(this.opts.entry, [])
    this.child = child
    this.booted = false
    this.backoff.markStarted()
    this.log.attach(child.stdout)
    this.log.attach(child.stderr, '[stderr] ')
    child.onMessage((raw) => this.onMessage(raw, (e) => this.settleBoot?.(e)))
    child.onExit((code, signal) => {
      const why = `exited with ${signal ?? `code ${code}`}`
      this.settleBoot?.(
        new Error(
          `Worker ${why} before it was ready${this.lastError ? `: ${this.lastError}` : ''} (log: ${this.log.path})`
        )
      )
      this.onExit(child, why)
    })
    return child
  }

  private spawnAndWait(): Promise<void> {
    this.setState(this.restarts > 0 ? 'restarting' : 'starting', null)
    const child = this.child !== null && !this.booted ? this.child : this.spawnChild()
    this.booted = true
    return new Promise<void>((resolve, reject) => {
      const timeoutMs = this.opts.readyTimeoutMs ?? WorkerProcess.READY_TIMEOUT_MS
      const timer = setTimeout(() => {
        this.settleBoot?.(new Error(`Worker did not report ready within ${timeoutMs / 1000} s (log: ${this.log.path})`))
        child.kill('SIGKILL')
      }, timeoutMs)
      this.settleBoot = (e) => {
        this.settleBoot = null
        clearTimeout(timer)
        if (e) reject(e)
        else resolve()
      }
      const boot: MainToWorker = { type: 'boot', config: this.opts.bootConfig() }
      child.send(boot)
      if (this.servers.length > 0) child.send({ type: 'servers', servers: this.servers })
    })
  }

  private onMessage(raw: unknown, settle: (e: Error | null) => void): void {
    if (!isWorkerToMain(raw)) return
    switch (raw.type) {
      case 'ready':
        this.log.line(`[supervisor] worker ready (pid ${raw.pid}, task queue ${raw.taskQueue})`)
        this.setState('up', null)
        settle(null)
        break
      case 'log':
        this.log.log(raw.level, raw.message)
        break
      case 'fatal':
        this.lastError = raw.message
        this.log.line(`[fatal] ${raw.message}`)
        break
      default:
        break
    }
    this.emit('message', raw)
  }

  private onExit(child: WorkerChild, why: string): void {
    if (this.child !== child) return
    this.child = null
    this.log.line(`[supervisor] worker ${why}`)
    // A preforked child that dies before its boot is simply forked again by start().
    if (this.stopping || !this.booted) return
    this.setState('restarting', `Worker ${why}`)
    void this.restartLater()
  }

  private async restartLater(): Promise<void> {
    await sleep(this.backoff.next())
    if (this.stopping) return
    this.restarts++
    try {
      await this.spawnAndWait()
    } catch (e) {
      // The child is dead (exited or killed on timeout) and its exit handler scheduled the next try.
      this.setState('down', (e as Error).message)
    }
  }

  /**
   * Asks the worker to move every run off `serverId` (which main is about to remove). Rejects when the
   * worker is not up, or does not answer within `timeoutMs`.
   */
  evacuate(serverId: string, timeoutMs = 45_000): Promise<{ moved: string[]; remaining: string[] }> {
    const child = this.child
    if (child === null || this.state !== 'up') {
      return Promise.reject(new Error(`the worker is ${this.state}`))
    }
    const requestId = `evacuate-${++this.requests}`
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('message', onMessage)
        reject(new Error(`the worker did not answer within ${timeoutMs / 1000} s`))
      }, timeoutMs)
      const onMessage = (m: WorkerToMain): void => {
        if (m.type !== 'evacuated' || m.requestId !== requestId) return
        clearTimeout(timer)
        this.off('message', onMessage)
        resolve({ moved: m.moved, remaining: m.remaining })
      }
      this.on('message', onMessage)
      child.send({ type: 'evacuate', requestId, serverId })
    })
  }

  /** Kill the worker abruptly (tests and chaos use this to simulate a crash). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child?.kill(signal)
  }

  async stop(): Promise<void> {
    this.stopping = true
    const child = this.child
    if (child) {
      const exited = new Promise<void>((r) => child.onExit(() => r()))
      child.send({ type: 'shutdown' })
      const timedOut = await Promise.race([
        exited.then(() => false),
        sleep(this.opts.stopTimeoutMs ?? WorkerProcess.STOP_TIMEOUT_MS).then(() => true),
      ])
      if (timedOut) {
        child.kill('SIGKILL')
        await exited
      }
    }
    this.child = null
    this.setState('down', null)
    await this.log.close()
  }

  private setState(state: ProcessState, error: string | null): void {
    this.state = state
    if (error) this.lastError = error
    this.emit('state', state, error)
  }
}

/** What identifies a server list for the worker: every field, with capabilities by when they were read. */
function serversKey(servers: WorkerServer[]): string {
  return JSON.stringify(servers.map((s) => ({ ...s, capabilities: s.capabilities?.fetchedAt ?? null })))
}
