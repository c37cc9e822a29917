/**
 * Sizes of what a run or batch hands Temporal, once large values went by reference (payload-refs.ts):
 * a run input over RUN_INPUT_MAX_BYTES is refused up front with the limit named, instead of Temporal's
 * opaque "Failed to start Workflow"; a batch's window is narrowed so the children it starts in one
 * workflow task fit in one gRPC message.
 */
import type { ApiPrompt } from '../../src-shared/contract/runs'
import { BATCH_TASK_BYTES, RUN_INPUT_MAX_BYTES } from '../../src-shared/contract/limits'
import type { BatchSweep } from '../../src-worker/shared'

/** The default window of the batch workflow (src-worker/workflows/batch-workflow.ts). */
const DEFAULT_WINDOW = 64

export class RunInputTooLargeError extends Error {
  override name = 'RunInputTooLargeError'
}

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8')

/** Throws RunInputTooLargeError when the (already externalized) input is over the limit. */
export function checkRunInputSize(what: string, input: unknown): number {
  const bytes = jsonBytes(input)
  if (bytes > RUN_INPUT_MAX_BYTES) {
    throw new RunInputTooLargeError(
      `${what} is too large to run: its graph is ${bytes} bytes once long values are stored aside, and the limit is ` +
        `${RUN_INPUT_MAX_BYTES} bytes (about thousands of nodes). Split the workflow or send large values as files.`
    )
  }
  return bytes
}

/** The largest child input of a batch: its prompt (or the largest of its prompt list) and the extras. */
export function childInputBytes(prompt: ApiPrompt, sweep: BatchSweep, extra: unknown): number {
  const prompts = sweep.kind === 'prompts' ? sweep.prompts : [prompt]
  return Math.max(...prompts.map(jsonBytes), 0) + jsonBytes(extra ?? null) + 1_024
}

/** The window to start the batch with: as asked (or the default), but never more than fits in one task. */
export function windowFor(childBytes: number, asked: number | undefined): number {
  const fits = Math.max(1, Math.floor(BATCH_TASK_BYTES / Math.max(1, childBytes)))
  return Math.min(asked ?? DEFAULT_WINDOW, fits)
}
