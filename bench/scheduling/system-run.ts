import type { SimStats } from '../../sim'

/** What a system's driver reports about one scenario run; the figures come from the farm's timeline. */
export interface SystemRun {
  system: string
  t0Epoch: number
  makespanMs: number
  /** Churn events (epoch ms). */
  events: Array<{ kind: 'died' | 'joined'; server: number; at: number }>
  /** S6: the urgent run's prompt id (or its start) and when it was submitted. */
  urgentPromptPrefix: string | null
  urgentSubmitEpoch: number | null
  /** Stats of the GPU that died, read just before it was crashed (a dead server answers nothing). */
  lastStats: Map<number, SimStats>
}
