/**
 * The worker's slot usage reports to main, coalesced: every run changes it two or three times within a few
 * ms (placed, started, released), and each report costs main a full server list, a push to the UI and a
 * comparison of the servers it sends the worker. The first change goes out at once; changes inside the
 * next REPORT_GAP_MS go out together at its end, read then, so the last state always arrives.
 */
import type { SlotUsage } from '../src-shared/contract/worker-protocol'

/** A person watching the fleet view sees no difference; 8 GPUs of short runs send ~10 reports/s, not ~50. */
export const REPORT_GAP_MS = 100

export class SlotReports {
  private lastAt = Number.NEGATIVE_INFINITY
  private trailing: NodeJS.Timeout | null = null

  constructor(
    private readonly usage: () => SlotUsage[],
    private readonly send: (usage: SlotUsage[]) => void
  ) {}

  /** Something changed: report now, or at the end of the current window. */
  changed(): void {
    if (this.trailing !== null) return
    const wait = this.lastAt + REPORT_GAP_MS - Date.now()
    if (wait <= 0) return this.sendNow()
    this.trailing = setTimeout(() => this.sendNow(), wait)
    this.trailing.unref()
  }

  stop(): void {
    if (this.trailing !== null) clearTimeout(this.trailing)
    this.trailing = null
  }

  private sendNow(): void {
    this.trailing = null
    this.lastAt = Date.now()
    this.send(this.usage())
  }
}
