/**
 * What a run's state means to the person watching it, derived from the engine's state (the one source
 * of truth) plus the fleet's health: a run the engine still places on a server that went offline is
 * being moved, not running; a prompt waiting in a ComfyUI queue is queued on that server, not running.
 */
import type { HealthState, RunErrorInfo, RunState } from '../../../src-shared/contract'

export type DisplayState = RunState | 'moving'

export interface RunDisplay {
  state: DisplayState
  /** The words on the badge. */
  label: string
  /** A longer explanation (tooltip and screen readers). */
  title: string
}

interface RunLike {
  status: RunState
  serverName: string | null
  error?: RunErrorInfo | null
}

/** The display of a run whose server (if any) is in `serverHealth`. */
export function runDisplay(run: RunLike, serverHealth: HealthState | null): RunDisplay {
  const on = run.serverName ? ` on ${run.serverName}` : ''
  const lost = serverHealth === 'offline' && run.serverName !== null
  switch (run.status) {
    case 'running':
    case 'queued':
      if (lost)
        return {
          state: 'moving',
          label: 'moving',
          title: `${run.serverName} stopped answering: the run is moving to another server`,
        }
      return run.status === 'running'
        ? { state: 'running', label: 'running', title: `Running${on}` }
        : {
            state: 'queued',
            label: run.serverName ? 'queued on server' : 'queued',
            title: run.serverName ? `Waiting in ${run.serverName}'s ComfyUI queue` : 'Waiting for a free slot',
          }
    case 'pending':
      return { state: 'pending', label: 'waiting', title: 'Waiting for a free slot on a capable server' }
    case 'cancelled':
      return { state: 'cancelled', label: 'cancelled', title: 'Cancelled' }
    case 'failed':
      return { state: 'failed', label: 'failed', title: run.error?.message ?? 'Failed' }
    case 'completed':
      return { state: 'completed', label: 'completed', title: `Completed${on}` }
  }
}

/** A cancel is the user's own doing: it reads as a plain fact, never as a red error. */
export const isUserCancel = (error: RunErrorInfo | null | undefined): boolean => error?.kind === 'cancelled'
