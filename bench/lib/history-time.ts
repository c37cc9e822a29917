/** Reading a Temporal history's events by the clock: the benches that time runs from their histories share this. */
import type { temporal } from '@temporalio/proto'

type HistoryEvent = temporal.api.history.v1.IHistoryEvent

/** An event's time in ms since the epoch (the server's clock, ms precision). */
export function eventEpochMs(event: HistoryEvent): number {
  const ts = event.eventTime as { seconds?: { toNumber(): number } | number; nanos?: number } | null | undefined
  const seconds = ts?.seconds
  const s = typeof seconds === 'number' ? seconds : (seconds?.toNumber() ?? 0)
  return s * 1000 + Math.floor((ts?.nanos ?? 0) / 1e6)
}
