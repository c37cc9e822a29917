/**
 * "Send now, or the latest state at the end of the window": the one trailing-edge throttle, used wherever a
 * burst of changes should cost one send but the last state must always arrive (the worker's slot reports and
 * live progress, main's progress rows).
 *
 * The throttle holds no value: `send` reads the state when it runs, so a trailing send carries whatever is
 * latest then, not what the first call of the burst saw. Timers only, no Node built-ins, so any process may
 * use it (no workflow does: a workflow's timers are Temporal's).
 */

/** What happens to a send still waiting for its window when the throttle is closed. */
export type PendingOnClose = 'send' | 'drop'

export class TrailingThrottle {
  private lastSentAt = Number.NEGATIVE_INFINITY
  private trailing: { timer: ReturnType<typeof setTimeout>; at: number } | null = null
  private closed = false

  /**
   * @param send reads the current state and sends it.
   * @param gapMs the window: at most one send per `gapMs`, unless `now()` is called.
   */
  constructor(
    private readonly send: () => void,
    private readonly gapMs: number
  ) {}

  /**
   * Something changed: send now if `gapMs` has passed since the last send, otherwise once at the end of that
   * window. A call with a shorter gap (a more important change) may bring a waiting send forward, never back.
   */
  request(gapMs = this.gapMs): void {
    if (this.closed) return
    const at = this.lastSentAt + gapMs
    if (at <= Date.now()) return this.now()
    if (this.trailing !== null && this.trailing.at <= at) return
    this.schedule(at)
  }

  /** Sends now whatever the window (an urgent change); a waiting send is folded into this one. */
  now(): void {
    if (this.closed) return
    this.clearTrailing()
    this.lastSentAt = Date.now()
    this.send()
  }

  /** A send waiting for its window goes out now; nothing happens when none waits. */
  flush(): void {
    if (this.trailing !== null) this.now()
  }

  /** Nothing is sent after this; a send still waiting goes out first (`'send'`) or is dropped (`'drop'`). */
  close(pending: PendingOnClose = 'send'): void {
    if (pending === 'send') this.flush()
    this.clearTrailing()
    this.closed = true
  }

  private schedule(at: number): void {
    this.clearTrailing()
    const timer = setTimeout(() => this.now(), at - Date.now())
    // In Node a waiting send must not keep a stopping process alive; a browser's timer id has no unref.
    if (typeof timer === 'object') timer.unref()
    this.trailing = { timer, at }
  }

  private clearTrailing(): void {
    if (this.trailing !== null) clearTimeout(this.trailing.timer)
    this.trailing = null
  }
}
