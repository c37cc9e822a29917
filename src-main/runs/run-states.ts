import type { RunState } from '../../src-shared/contract/runs'

/** A run in one of these states will not change again. */
export const isFinal = (s: RunState | string): s is 'completed' | 'failed' | 'cancelled' =>
  s === 'completed' || s === 'failed' || s === 'cancelled'
