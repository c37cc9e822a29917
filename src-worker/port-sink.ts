/**
 * The progress sink of a worker forked by main: live progress goes over the parent port in batches.
 *
 * A run reports every ComfyUI event it shows (node start, step, end), and with several runs in flight
 * these arrive within the same few milliseconds: one IPC message each cost a serialization and a
 * main-side dispatch per event on the path of every run. Events go out as one `run-progress` message per
 * BATCH_MS window, in the order they were made, so main sees exactly the same sequence, at most a window
 * later. One event-loop turn held about one socket frame's events: with 8 short runs in flight that was
 * still an IPC message per node change (issue #17 item 6).
 */
import type { RunProgressUpdate } from '../src-shared/contract/worker-protocol'
import type { ParentPort } from './parent-port'
import type { ProgressSink } from './progress-sink'

/** Far below what a person sees change, long enough to gather the events of the runs in flight. */
export const BATCH_MS = 10

export function portSink(port: ParentPort): ProgressSink {
  let pending: RunProgressUpdate[] = []
  const flush = (): void => {
    const events = pending
    pending = []
    port.send({ type: 'run-progress', events })
  }
  return {
    progress: (event) => {
      if (pending.push(event) === 1) setTimeout(flush, BATCH_MS)
    },
    // Previews are rare (one per step at most) and large: batching them would only delay the picture.
    preview: (event) => port.send({ type: 'run-preview', event }),
  }
}
