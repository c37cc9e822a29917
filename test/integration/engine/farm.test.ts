import { describe, expect, it } from 'vitest'
import { txt2img, engineSetupForFile } from './helpers'

const SPEEDS = [1, 1, 0.5, 2]
const RUNS = 40
/** Dispatch latency we tolerate before an idle server counts as idle (a run takes 0.5–2 s; a loaded 2-core machine needs the margin). */
const SLACK_MS = 500

const setup = engineSetupForFile(SPEEDS.map((speed) => ({ speed, timing: { stepMs: 25, nodeMs: 5, loadMs: 20 } })))

interface RunSpan {
  submittedAt: number
  startedAt: number
  /** Speed of the server it ran on. */
  speed: number
}

/**
 * Waits that overlapped an idle stretch of a server (after its first run): for each gap between its
 * busy intervals (the last gap is open-ended), any run that was submitted but not yet started during
 * that gap, beyond the slack, means a GPU sat idle while work waited — unless the run then went to a
 * faster GPU: at the end of a batch a run waits for a faster GPU rather than stretch the batch on a slow one.
 */
function idleWhileWaiting(intervals: [number, number][], runs: RunSpan[], speed: number): string[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0])
  const found: string[] = []
  sorted.forEach(([, end], i) => {
    const idleFrom = end + SLACK_MS
    const idleTo = sorted[i + 1]?.[0] ?? Infinity
    for (const run of runs) {
      if (run.speed > speed) continue
      const from = Math.max(idleFrom, run.submittedAt + SLACK_MS)
      const to = Math.min(idleTo, run.startedAt)
      if (from < to) found.push(`idle ${to - from} ms at ${from} while a run waited`)
    }
  })
  return found
}

describe('a farm of 4 servers with speeds 1, 1, 0.5, 2', () => {
  it('runs 40 prompts: all complete, none twice, no server idle while a run waits', async () => {
    const started = await Promise.all(
      Array.from({ length: RUNS }, async (_, i) => {
        const { workflowId } = await setup.rig.runs.startRun({
          prompt: txt2img({ steps: 40, seed: 1000 + i, prefix: `farm${i}` }),
        })
        return { workflowId, submittedAt: Date.now() }
      })
    )
    const results = await Promise.all(started.map((s) => setup.rig.runs.result(s.workflowId)))
    expect(results.every((r) => r.outputs.length === 1)).toBe(true)

    const stats = setup.sims.map((s) => s.stats())
    for (const result of results) {
      const total = stats.reduce((sum, s) => sum + (s.executions[result.promptId] ?? 0), 0)
      expect(total, `executions of ${result.promptId}`).toBe(1)
    }
    expect(stats.reduce((sum, s) => sum + s.completed, 0)).toBe(RUNS)

    const spans: RunSpan[] = results.map((r, i) => ({
      submittedAt: started[i]?.submittedAt ?? 0,
      startedAt: r.startedAt ?? 0,
      speed: SPEEDS[setup.sims.findIndex((sim) => (sim.stats().executions[r.promptId] ?? 0) > 0)] ?? 0,
    }))
    const idle = stats.flatMap((s, i) =>
      idleWhileWaiting(s.busyIntervals, spans, SPEEDS[i] ?? 0).map((m) => `server ${i} (speed ${SPEEDS[i]}): ${m}`)
    )
    if (idle.length > 0) {
      const t0 = Math.min(...spans.map((s) => s.submittedAt))
      stats.forEach((s, i) => console.log(i, s.busyIntervals.map(([a, b]) => `${a - t0}-${b - t0}`).join(' ')))
      console.log(spans.map((s) => `${s.submittedAt - t0}->${s.startedAt - t0}`).join(' '))
      console.log(setup.engine.logs.join('\n'))
    }
    expect(idle).toEqual([])
    stats.forEach((s, i) => expect(s.busyIntervals.length, `server ${i} ran something`).toBeGreaterThan(0))
    // The speed-2 server did more of the work than the speed-0.5 one.
    expect(stats[3]?.completed ?? 0).toBeGreaterThan(stats[2]?.completed ?? 0)
    console.log(
      'runs per server',
      stats.map((s) => s.completed).join(', '),
      setup.engine.logs.filter((l) => l.includes('moved')).length,
      'moved'
    )
  })
})
