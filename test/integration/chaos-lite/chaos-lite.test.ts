/**
 * The chaos suite, reduced for `npm test` (under 2 minutes): 20 runs over 4 simulated GPUs, 6 faults (each kind once)
 * (worker kill -9, Temporal restart, simulator crash, dropped WebSockets, slow or hostile spells) at
 * seeded random moments.
 * Same guarantees as test/chaos: every run completes, none runs twice, no queue left, cache intact.
 */
import { describe, expect, it } from 'vitest'
import { chaosSeed, problems, runChaos } from '../../chaos/chaos-run'

describe('chaos-lite: 20 runs, 6 faults', () => {
  it('finishes every run exactly once', async () => {
    const seed = chaosSeed()
    console.log(`CHAOS_SEED=${seed} (set it to replay this schedule)`)
    const report = await runChaos({ runs: 20, faults: 6, seed, windowMs: 15_000, settleMs: 75_000 })
    const found = problems(report)
    if (found.length > 0) console.log(`chaos-lite seed ${seed} FAILED:\n${found.join('\n')}\n${report.logTail}`)
    expect(found, `seed ${seed}`).toEqual([])
    expect(report.statuses.completed).toBe(20)
  }, 150_000)
})
