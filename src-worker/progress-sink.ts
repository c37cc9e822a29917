/** Where live per-step progress and previews go (main over the worker channel; a test collects them). */
import type { RunPreviewEvent } from '../src-shared/contract/bridge'
import type { RunProgressUpdate } from '../src-shared/contract/worker-protocol'

export interface ProgressSink {
  progress(event: RunProgressUpdate): void
  preview(event: RunPreviewEvent): void
}

export const nullSink: ProgressSink = { progress: () => undefined, preview: () => undefined }

/** Keeps everything in memory (tests, and the standalone worker's debug mode). */
export class MemorySink implements ProgressSink {
  readonly progressEvents: RunProgressUpdate[] = []
  readonly previews: RunPreviewEvent[] = []
  progress(event: RunProgressUpdate): void {
    this.progressEvents.push(event)
  }
  preview(event: RunPreviewEvent): void {
    this.previews.push(event)
  }
}
