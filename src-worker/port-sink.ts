/**
 * The progress sink of a worker forked by main: live progress goes over the parent port in batches.
 *
 * A run reports every ComfyUI event it shows (node start, step, end), and with several runs in flight
 * these arrive within the same few milliseconds: one IPC message each cost a structured-clone and a
 * main-side dispatch per event on the path of every run. Events queued in one event-loop turn go out
 * as one `run-progress` message at the end of it (setImmediate), in the order they were made, so main
 * sees exactly the same sequence, at most a turn later.
 */
import type { RunProgressUpdate } from '../src-shared/contract/worker-protocol'
import type { ParentPort } from './parent-port'
import type { ProgressSink } from './progress-sink'

export function portSink(port: ParentPort): ProgressSink {
  let pending: RunProgressUpdate[] = []
  const flush = (): void => {
    const events = pending
    pending = []
    port.send({ type: 'run-progress', events })
  }
  return {
    progress: (event) => {
      if (pending.push(event) === 1) setImmediate(flush)
    },
    // Previews are rare (one per step at most) and large: batching them would only delay the picture.
    preview: (event) => port.send({ type: 'run-preview', event }),
  }
}
