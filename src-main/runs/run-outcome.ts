/** How a closed run ended: a pure helper of the run tracker (its final node states: src-shared/runs/node-states). */
import { CancelledFailure, TerminatedFailure, TimeoutFailure, WorkflowFailedError } from '@temporalio/client'
import { ApplicationFailure } from '@temporalio/common'
import type { RunErrorInfo } from '../../src-shared/contract/runs'

/** How a closed workflow ended, from the error result() threw; null when it is not closed (connection lost). */
export function endOf(e: unknown): { status: 'failed' | 'cancelled'; error: RunErrorInfo } | null {
  if (!(e instanceof WorkflowFailedError)) return null
  const cause = e.cause
  if (cause instanceof CancelledFailure) {
    return { status: 'cancelled', error: { kind: 'cancelled', message: cause.message || 'cancelled' } }
  }
  if (cause instanceof ApplicationFailure) {
    const info = cause.details?.[0] as RunErrorInfo | undefined
    return {
      status: 'failed',
      error: info && typeof info.kind === 'string' ? info : { kind: 'internal', message: cause.message },
    }
  }
  if (cause instanceof TerminatedFailure) {
    return { status: 'failed', error: { kind: 'internal', message: 'The workflow was terminated in Temporal.' } }
  }
  if (cause instanceof TimeoutFailure)
    return { status: 'failed', error: { kind: 'internal', message: 'The workflow timed out.' } }
  return { status: 'failed', error: { kind: 'internal', message: cause?.message ?? e.message } }
}
