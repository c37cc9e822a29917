/**
 * The worker's slot usage reports to main, coalesced: every run changes it two or three times within a few
 * ms (placed, started, released), and each report costs main a full server list, a push to the UI and a
 * comparison of the servers it sends the worker. The first change goes out at once; changes inside the
 * next REPORT_GAP_MS go out together at its end, read then, so the last state always arrives
 * (the rule is TrailingThrottle's).
 */
import type { SlotUsage } from '../src-shared/contract/worker-protocol'
import { TrailingThrottle } from '../src-shared/timing/trailing-throttle'

/** A person watching the fleet view sees no difference; 8 GPUs of short runs send ~10 reports/s, not ~50. */
export const REPORT_GAP_MS = 100

export class SlotReports {
  private readonly reports: TrailingThrottle

  constructor(usage: () => SlotUsage[], send: (usage: SlotUsage[]) => void) {
    this.reports = new TrailingThrottle(() => send(usage()), REPORT_GAP_MS)
  }

  /** Something changed: report now, or at the end of the current window. */
  changed(): void {
    this.reports.request()
  }

  /** The worker is stopping: a report still waiting is dropped, and none follows (no timer outlives the worker). */
  stop(): void {
    this.reports.close('drop')
  }
}
