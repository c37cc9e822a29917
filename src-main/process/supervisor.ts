import type { ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import type { ProcessState } from '../../src-shared/contract'
import { Backoff, sleep } from './backoff'

/** What the supervisor needs of a child process, whatever started it (spawn, fork, Electron's utilityProcess). */
export interface SupervisedChild {
  readonly pid: number | null
  /** Called once when the process is gone; `error` when it never started (spawn failed). */
  onExit(listener: (code: number | null, signal: string | null, error?: Error) => void): void
  kill(signal?: NodeJS.Signals): void
}

export interface SupervisorOptions<C extends SupervisedChild> {
  /** How messages name the process: "Worker", "Temporal dev server". */
  label: string
  spawn: () => C
  /**
   * Resolves once `child` is ready. It may stop waiting once `settled()` is true (the child exited or timed
   * out); the supervisor then no longer listens to it.
   */
  waitReady: (child: C, settled: () => boolean) => Promise<void>
  /** What "ready" means, for the timeout message: "report ready", "answer on 127.0.0.1:7233". */
  readyMeans: () => string
  readyTimeoutMs: number
  /** Ask the child to stop (default SIGTERM); it is killed with SIGKILL after `stopTimeoutMs`. */
  requestStop?: (child: C) => void
  stopTimeoutMs: number
  /** Said after an error message: what the process printed last, where its log is. */
  context?: () => string
  /** Whether an exit now is restarted (default yes); a caller still retrying its first start says no. */
  restartsOnExit?: () => boolean
  backoff?: Backoff
}

export interface SupervisorEvents<C> {
  state: [ProcessState, string | null]
  /** A supervised child ended (also on stop), with why; before any restart is scheduled. */
  exit: [C, string]
  /** A restart after an unexpected exit made the process ready again. */
  restarted: [number]
}

/** The child ended before it was ready: often worth another try (e.g. its port was taken meanwhile). */
export class ExitedBeforeReady extends Error {}

interface Running<C> {
  child: C
  /** Launched: its exit is restarted; a preforked child that was never launched is just forgotten. */
  launched: boolean
  exited: Promise<string>
  why: string | null
  /** {@link SupervisorOptions.context} as it was when the child exited (before a restart changes it). */
  saidAtExit: string
}

/**
 * The one supervisor of our child processes (the worker, the Temporal dev server): start and wait until
 * ready (with a timeout), restart with backoff after an unexpected exit, and stop by asking, then SIGKILL
 * after a grace period. What differs (how a child is started, what "ready" is, how it is asked to stop)
 * is passed in.
 */
export class Supervisor<C extends SupervisedChild> extends EventEmitter<SupervisorEvents<C>> {
  private current: Running<C> | null = null
  private stopping = false
  private readonly backoff: Backoff
  restarts = 0

  constructor(private readonly opts: SupervisorOptions<C>) {
    super()
    this.backoff = opts.backoff ?? new Backoff(500, 15_000)
  }

  get child(): C | null {
    return this.current?.child ?? null
  }

  /** Start the child now without waiting for it, so it loads while something else starts; launch() uses it. */
  prefork(): void {
    if (this.current === null) this.spawnChild()
  }

  /** Start (or take the preforked child) and wait until it is ready; rejects with why not. */
  launch(): Promise<void> {
    this.stopping = false
    return this.launchOnce()
  }

  private async launchOnce(): Promise<void> {
    this.emit('state', this.restarts > 0 ? 'restarting' : 'starting', null)
    const running = this.current !== null && !this.current.launched ? this.current : this.spawnChild()
    running.launched = true
    await this.untilReady(running)
    this.emit('state', 'up', null)
  }

  private spawnChild(): Running<C> {
    const child = this.opts.spawn()
    let settle: (why: string) => void = () => undefined
    const exited = new Promise<string>((r) => (settle = r))
    const running: Running<C> = { child, launched: false, why: null, exited, saidAtExit: '' }
    this.current = running
    this.backoff.markStarted()
    child.onExit((code, signal, error) => {
      running.why = error ? error.message : `exited with ${signal ?? `code ${code}`}`
      running.saidAtExit = this.context()
      settle(running.why)
      this.onExit(running, running.why)
    })
    return running
  }

  private async untilReady(running: Running<C>): Promise<void> {
    const { label, readyTimeoutMs } = this.opts
    let timer: NodeJS.Timeout | undefined
    let settled = false
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new Error(`${label} did not ${this.opts.readyMeans()} within ${readyTimeoutMs / 1000} s${this.context()}`)
        )
        running.child.kill('SIGKILL')
      }, readyTimeoutMs)
    })
    const exited = running.exited.then((why) => {
      throw new ExitedBeforeReady(`${label} ${why} before it was ready${running.saidAtExit}`)
    })
    try {
      await Promise.race([this.opts.waitReady(running.child, () => settled), exited, timedOut])
    } finally {
      settled = true
      clearTimeout(timer)
      // The losers of the race reject later (or never): nobody waits for them any more.
      exited.catch(() => undefined)
      timedOut.catch(() => undefined)
    }
  }

  private context(): string {
    return this.opts.context?.() ?? ''
  }

  private onExit(running: Running<C>, why: string): void {
    if (this.current !== running) return
    this.current = null
    this.emit('exit', running.child, why)
    if (this.stopping || !running.launched || !(this.opts.restartsOnExit?.() ?? true)) return
    this.emit('state', 'restarting', `${this.opts.label} ${why}`)
    void this.restartLater()
  }

  /** Wait out the backoff, then start again; a failed try leaves the next one to the exit handler. */
  async restartLater(): Promise<void> {
    await sleep(this.backoff.next())
    if (this.stopping) return
    this.restarts++
    try {
      await this.launchOnce()
      this.emit('restarted', this.restarts)
    } catch (e) {
      // The child is dead (it exited, or was killed on timeout) and its exit handler scheduled the next try.
      this.emit('state', 'down', (e as Error).message)
    }
  }

  /** The backoff delay before the next try of a caller's own retries (the dev server's first start). */
  nextDelay(): number {
    return this.backoff.next()
  }

  /** Ask the child to stop, SIGKILL it if it has not after the grace period, and wait until it is gone. */
  async stop(): Promise<void> {
    this.stopping = true
    const running = this.current
    if (running === null || running.why !== null) return
    const { child } = running
    if (this.opts.requestStop) this.opts.requestStop(child)
    else child.kill('SIGTERM')
    const gone = await Promise.race([running.exited.then(() => true), sleep(this.opts.stopTimeoutMs).then(() => false)])
    if (!gone) {
      child.kill('SIGKILL')
      await running.exited
    }
  }
}

/** A process from node's spawn() as the supervisor sees it; one that cannot start at all (ENOENT) counts as exited. */
export function spawnedChild(child: ChildProcess): SupervisedChild {
  return {
    pid: child.pid ?? null,
    onExit: (listener) => {
      child.once('exit', (code, signal) => listener(code, signal))
      child.once('error', (e) => {
        if (child.pid === undefined) listener(null, null, e)
      })
    },
    kill: (signal) => void child.kill(signal),
  }
}
