/** A run in one of these states will not change again. */
export const isFinal = (s: string): s is 'completed' | 'failed' | 'cancelled' =>
  s === 'completed' || s === 'failed' || s === 'cancelled'
