/**
 * Is a ComfyUI server gone, or only slow? The one place that decides it (the worker's directory keeps one
 * `ServerLiveness` per server; the tracker and the locate step feed it and ask it).
 *
 * Why not "a request failed": a real GPU server under load answers /queue in 4–8 s (it deep-copies a long
 * queue under a lock), writes history after execution_success, and can take seconds to accept a POST. A
 * prompt on such a server is still running, so treating the server as dead and resubmitting elsewhere
 * runs it twice. The rule:
 *
 * - **alive**: something answered recently (any HTTP answer, even an error status, or a WebSocket frame).
 * - **gone**: the process is not there — connections are refused or reset (its in-memory queue died with
 *   it) on {@link REFUSALS_FOR_GONE} requests in a row while no WebSocket is open to it; or it accepted
 *   connections but nothing at all answered (no HTTP answer, no frame) for {@link SILENCE_FOR_GONE_MS}
 *   (a hung or partitioned host).
 * - **slow**: anything in between — keep waiting; never resubmit what it holds.
 */
import { ComfyUnreachableError } from './errors'

export type Liveness = 'alive' | 'slow' | 'gone'

/** Consecutive refused/reset connections (with no socket open) that mean the process is not there. */
export const REFUSALS_FOR_GONE = 2
/**
 * Silence after which a server that still takes connections counts as gone. Long enough for a busy real
 * server (the slowest answers reported are ~10 s per /queue), short enough that a hung host's runs move on
 * within a minute.
 */
export const SILENCE_FOR_GONE_MS = 30_000

export interface LivenessOptions {
  silenceForGoneMs?: number
  now?: () => number
}

export class ServerLiveness {
  private lastSign: number
  private refusals = 0
  private openSockets = 0
  private readonly silenceForGoneMs: number
  private readonly now: () => number

  constructor(options: LivenessOptions = {}) {
    this.now = options.now ?? Date.now
    this.silenceForGoneMs = options.silenceForGoneMs ?? SILENCE_FOR_GONE_MS
    this.lastSign = this.now()
  }

  /** Any HTTP answer (whatever its status) or WebSocket frame. */
  noteSign(): void {
    this.lastSign = this.now()
    this.refusals = 0
  }

  /** A request that got no answer: refused/reset counts toward gone; a timeout only lets silence grow. */
  noteFailure(error: unknown): void {
    if (error instanceof ComfyUnreachableError && !error.timedOut) this.refusals += 1
  }

  socketOpened(): void {
    this.openSockets += 1
    this.noteSign()
  }

  socketClosed(): void {
    this.openSockets = Math.max(0, this.openSockets - 1)
  }

  verdict(): Liveness {
    const silentMs = this.now() - this.lastSign
    if (this.refusals >= REFUSALS_FOR_GONE && this.openSockets === 0) return 'gone'
    if (silentMs >= this.silenceForGoneMs) return 'gone'
    return silentMs < 5_000 ? 'alive' : 'slow'
  }

  /** Why it counts as gone, for logs and failures. */
  describe(): string {
    if (this.refusals >= REFUSALS_FOR_GONE && this.openSockets === 0) {
      return `refused ${this.refusals} connections in a row with no WebSocket open`
    }
    return `no answer of any kind for ${Math.round((this.now() - this.lastSign) / 1000)} s`
  }
}
