/**
 * Activity slots == server slots, plus one look-ahead run per usable server. Temporal's worker asks for a
 * permit before it polls for an activity task; we grant one only while the number of permits is below
 * the pool's limit, so Temporal hands a run to this worker only when one of its servers can take it soon,
 * and other workers on the same task queue (other GPU hosts) get the rest. The look-ahead lets the pool
 * order the runs it holds (urgent first, then the longest: slot-pool.ts permitLimit).
 */
import type { CustomSlotSupplier, SlotPermit, ActivitySlotInfo } from '@temporalio/worker'
import type { SlotPool } from './slot-pool'

export class ServerSlotSupplier implements CustomSlotSupplier<ActivitySlotInfo> {
  readonly type = 'custom' as const
  private issued = 0
  private waiting: { resolve: (permit: SlotPermit) => void }[] = []

  constructor(private readonly pool: SlotPool) {
    pool.on('changed', () => this.grant())
  }

  reserveSlot(_ctx: unknown, abortSignal: AbortSignal): Promise<SlotPermit> {
    return new Promise<SlotPermit>((resolve, reject) => {
      const entry = { resolve }
      const onAbort = (): void => {
        this.waiting = this.waiting.filter((w) => w !== entry)
        // The signal's own reason: the SDK logs any other rejection of an aborted reservation as an error.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the reason is what the SDK compares
        reject(abortSignal.reason)
      }
      if (abortSignal.aborted) return onAbort()
      abortSignal.addEventListener('abort', onAbort, { once: true })
      entry.resolve = (permit) => {
        abortSignal.removeEventListener('abort', onAbort)
        resolve(permit)
      }
      this.waiting.push(entry)
      this.grant()
    })
  }

  tryReserveSlot(): SlotPermit | null {
    if (this.issued >= this.pool.permitLimit()) return null
    this.issued += 1
    return {}
  }

  markSlotUsed(): void {
    // The activity itself takes the server lease once it knows the prompt.
  }

  releaseSlot(): void {
    this.issued = Math.max(0, this.issued - 1)
    this.grant()
  }

  /** Permits currently out (reserved for a poll or running an activity). */
  get outstanding(): number {
    return this.issued
  }

  private grant(): void {
    while (this.waiting.length > 0 && this.issued < this.pool.permitLimit()) {
      const next = this.waiting.shift()
      if (next === undefined) return
      this.issued += 1
      next.resolve({})
    }
  }
}
