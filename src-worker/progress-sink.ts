/** Where live per-step progress and previews go (main over the worker channel; a test collects them). */
import type { RunPreviewEvent, RunProgressEvent } from '../src-shared/contract/bridge'

export interface ProgressSink {
  progress(event: RunProgressEvent & { serverId: string | null }): void
  preview(event: RunPreviewEvent): void
}

export const nullSink: ProgressSink = { progress: () => undefined, preview: () => undefined }

/** Keeps everything in memory (tests, and the standalone worker's debug mode). */
export class MemorySink implements ProgressSink {
  readonly progressEvents: (RunProgressEvent & { serverId: string | null })[] = []
  readonly previews: RunPreviewEvent[] = []
  progress(event: RunProgressEvent & { serverId: string | null }): void {
    this.progressEvents.push(event)
  }
  preview(event: RunPreviewEvent): void {
    this.previews.push(event)
  }
}
