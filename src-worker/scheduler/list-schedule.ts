/**
 * Which GPU each waiting run would go to if the runs were dealt out now, in the pool's order (urgent, then
 * scarcer, then longest first), each to the GPU expected to finish it first counting what it was dealt
 * before: list scheduling, LPT for a batch. A free slot nobody chose takes the first run dealt to its GPU.
 *
 * Before, such a slot took the shortest waiting run (it loses least by not waiting for the faster GPU it
 * wanted). Each time the fast GPU was about to free, the speed-1 GPUs so took the batch's shortest runs,
 * and its end was left with mid-size ones that no GPU could share evenly: on S1, S5 and S6 the speed-0.5
 * GPU idled its last 1.5–2 s, where longest-first dealing ends within ≈1.5 % of the bound (their runs
 * computed without overheads). Dealt out, a GPU takes the runs it would end first, the short ones come last
 * everywhere, and a GPU dealt nothing (the slow one at a batch's end) waits. Pure functions.
 */
import { eligible, expectedFinish, fallbackRate, type PlacementRequest, type ServerLoad } from './placement'

/** The server each run is dealt to (a run no usable server can run is left out). */
export function dealRuns(
  runs: readonly PlacementRequest[],
  loads: readonly ServerLoad[]
): Map<PlacementRequest, string> {
  const fallback = fallbackRate([...loads])
  const lanes = loads.filter((l) => l.usable).map((l) => ({ ...l, loadedModels: new Set(l.loadedModels) }))
  const dealt = new Map<PlacementRequest, string>()
  for (const run of runs) {
    let best: (typeof lanes)[number] | null = null
    let bestMs = Infinity
    for (const lane of lanes) {
      if (!eligible(run, lane)) continue
      const ms = expectedFinish(run, lane, fallback)
      if (ms < bestMs) {
        best = lane
        bestMs = ms
      }
    }
    if (best === null) continue
    dealt.set(run, best.server.id)
    // Its work, and its load when it needs one, now lie ahead of the next run dealt there.
    best.remainingCost = bestMs * (best.rate ?? fallback)
    for (const m of run.models) best.loadedModels.add(m)
  }
  return dealt
}
