/**
 * Exponential restart delays for supervised processes. A process that stayed up for
 * `stableAfterMs` is considered healthy again, so one crash a day never waits 30 s.
 */
export class Backoff {
  private attempt = 0
  private lastStart = 0

  constructor(
    private readonly initialMs = 500,
    private readonly maxMs = 30_000,
    private readonly stableAfterMs = 60_000
  ) {}

  markStarted(now = Date.now()): void {
    if (this.lastStart && now - this.lastStart > this.stableAfterMs) this.attempt = 0
    this.lastStart = now
  }

  next(now = Date.now()): number {
    if (this.lastStart && now - this.lastStart > this.stableAfterMs) this.attempt = 0
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt)
    this.attempt++
    return delay
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
