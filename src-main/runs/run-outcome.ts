/** How a closed run ended, and its final per-node states: pure helpers of the run tracker. */
import { CancelledFailure, TerminatedFailure, TimeoutFailure, WorkflowFailedError } from '@temporalio/client'
import { ApplicationFailure } from '@temporalio/common'
import type { NodeStatus, RunErrorInfo } from '../../src-shared/contract/runs'

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

/** The workflow's final node states (cached nodes included) with the timings we measured live. */
export function mergeNodes(
  live: Record<string, NodeStatus>,
  final: Record<string, NodeStatus>
): Record<string, NodeStatus> {
  const out: Record<string, NodeStatus> = { ...live }
  for (const [id, n] of Object.entries(final)) {
    const seen = live[id]
    out[id] = {
      ...n,
      ...(seen?.started_at ? { started_at: seen.started_at } : {}),
      ...(seen?.finished_at ? { finished_at: seen.finished_at } : {}),
    }
  }
  return out
}

/** Nodes still marked running when a run ends did not finish: done on success, else as they were. */
export function finalNodes(nodes: Record<string, NodeStatus>, status: string): Record<string, NodeStatus> {
  const out: Record<string, NodeStatus> = {}
  for (const [id, n] of Object.entries(nodes))
    out[id] = status === 'completed' && n.state === 'running' ? { ...n, state: 'done' } : n
  return out
}
