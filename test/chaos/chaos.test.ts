/**
 * The chaos suite (`npm run test:chaos`): 100 runs over 4 simulated GPUs while 20 faults hit at random
 * moments — kill -9 of the worker, Temporal dev server restarts, simulator crashes (queue lost), dropped
 * WebSockets, slow spells (answers 4 s late, or GET /queue 8 s late) and hostile spells (success for any
 * history id). Every run must complete, no prompt may run to completion twice, no prompt may be left on a
 * server, no output may come from a server that did not run the prompt, and every cached output must
 * match its hash. The seed is printed; CHAOS_SEED=<seed> replays it.
 */
import { describe, expect, it } from 'vitest'
import { chaosSeed, problems, runChaos } from './chaos-run'

describe('chaos: 100 runs, 20 faults', () => {
  it('finishes every run exactly once whatever crashes', async () => {
    const seed = chaosSeed()
    console.log(`CHAOS_SEED=${seed} (set it to replay this schedule)`)
    const report = await runChaos({ runs: 100, faults: 20, seed, windowMs: 60_000, settleMs: 480_000 })
    const found = problems(report)
    console.log(
      `chaos seed ${seed}: ${JSON.stringify(report.statuses)} in ${Math.round(report.durationMs / 1000)} s; ` +
        `${report.promptsCompleted} prompts completed, ${report.excusedRepeats.length} re-run after their server lost them; ` +
        `worker restarts ${report.workerRestarts}, Temporal restarts ${report.temporalRestarts}; ${report.cacheFiles} cached files`
    )
    if (found.length > 0) console.log(`chaos seed ${seed} FAILED:\n${found.join('\n')}\n${report.logTail}`)
    expect(found, `seed ${seed}`).toEqual([])
    expect(report.statuses.completed).toBe(100)
    expect(report.promptsCompleted).toBeGreaterThanOrEqual(100)
  })
})
