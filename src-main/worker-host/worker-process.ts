import { EventEmitter } from 'node:events'
import type {
  MainToWorker,
  ProcessState,
  WorkerBootConfig,
  WorkerServer,
  WorkerToMain,
} from '../../src-shared/contract'
import { isWorkerToMain } from '../../src-shared/contract'
import { LogFile } from '../process/log-file'
import { Supervisor } from '../process/supervisor'
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

  private servers: WorkerServer[] = []
  private serversKey = ''
  private requests = 0
  private readonly log: LogFile
  private readonly supervisor: Supervisor<WorkerChild>
  /** Resolves the readiness wait of the child being booted, on its 'ready' message. */
  private onReady: (() => void) | null = null
  state: ProcessState = 'down'
  lastError: string | null = null

  constructor(private readonly opts: WorkerProcessOptions) {
    super()
    this.log = new LogFile(opts.logFile, { threshold: opts.logLevel })
    this.supervisor = new Supervisor<WorkerChild>({
      label: 'Worker',
      spawn: () => this.spawnChild(),
      waitReady: (child) => this.boot(child),
      readyMeans: () => 'report ready',
      readyTimeoutMs: opts.readyTimeoutMs ?? WorkerProcess.READY_TIMEOUT_MS,
      requestStop: (child) => child.send({ type: 'shutdown' }),
      stopTimeoutMs: opts.stopTimeoutMs ?? WorkerProcess.STOP_TIMEOUT_MS,
      context: () => `${this.lastError ? `: ${this.lastError}` : ''} (log: ${this.log.path})`,
    })
    this.supervisor.on('state', (state, error) => this.setState(state, error))
    this.supervisor.on('exit', (_child, why) => this.log.line(`[supervisor] worker ${why}`))
  }

  get pid(): number | null {
    return this.supervisor.child?.pid ?? null
  }

  get restarts(): number {
    return this.supervisor.restarts
  }

  start(): Promise<void> {
    return this.supervisor.launch()
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
    this.supervisor.child?.send({ type: 'servers', servers })
  }

  /**
   * Fork the worker now, without booting it, so its modules load while Temporal is still starting;
   * start() then boots this child instead of forking another.
   */
  prefork(): void {
    this.supervisor.prefork()
  }

  private spawnChild(): WorkerChild {
    const child = this.opts.forker(this.opts.entry, [])
    this.log.attach(child.stdout)
    this.log.attach(child.stderr, '[stderr] ')
    child.onMessage((raw) => this.onMessage(raw))
    return child
  }

  /** Boot config (the current settings) and the servers, then wait for the worker's 'ready' message. */
  private boot(child: WorkerChild): Promise<void> {
    return new Promise<void>((resolve) => {
      this.onReady = resolve
      const boot: MainToWorker = { type: 'boot', config: this.opts.bootConfig() }
      child.send(boot)
      if (this.servers.length > 0) child.send({ type: 'servers', servers: this.servers })
    })
  }

  private onMessage(raw: unknown): void {
    if (!isWorkerToMain(raw)) return
    switch (raw.type) {
      case 'ready':
        this.log.line(`[supervisor] worker ready (pid ${raw.pid}, task queue ${raw.taskQueue})`)
        this.onReady?.()
        this.onReady = null
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

  /**
   * Asks the worker to move every run off `serverId` (which main is about to remove). Rejects when the
   * worker is not up, or does not answer within `timeoutMs`.
   */
  evacuate(serverId: string, timeoutMs = 45_000): Promise<{ moved: string[]; remaining: string[] }> {
    const child = this.supervisor.child
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
    this.supervisor.child?.kill(signal)
  }

  async stop(): Promise<void> {
    await this.supervisor.stop()
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
