/**
 * Benchmark "scheduling" (issue #17): six scenarios where the work is uneven — S1 uniform mix, S2 heavy
 * tail, S3 model swaps under a VRAM limit, S4 capability, S5 churn, S6 an urgent run in a big batch —
 * each run in the same process for ComfyFleet, SwarmUI's policy and round-robin, each on a fresh
 * simulated farm, against a lower bound computed from the work the simulator actually delivered.
 * Writes bench/results/scheduling.json and one Gantt chart per scenario and system in
 * bench/results/scheduling/.
 *
 * Run: `npx tsx bench/scheduling.ts [--time-scale 0.25] [--count-scale 1] [--seed 7] [--scenarios S2,S3]`.
 * The default is the run counts with every duration × 0.25 (≈30 min with the three systems): counts
 * shrunk below the change the instances themselves (at × 0.2, S2 has two long runs, which no schedule
 * can place within 1.05× the bound), while shrunk durations keep every ratio of work to work. `--full` is the
 * issue's counts and real durations (a quiet machine and about an hour and a half). `--fleet-only` runs ComfyFleet
 * alone (no baselines, no targets, charts in the temp folder, no JSON: for working on the scheduler);
 * `--no-round-robin` leaves out the slowest baseline (about half the time of a run).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchArgs } from './lib/args'
import { startFleet } from './lib/fleet-core'
import { RemoteFarm } from './lib/remote-farm'
import { printTargets, round, target, writeResult, type Target } from './lib/report'
import { roundRobin, swarm } from './scheduling/baselines'
import { comfyFleet } from './scheduling/fleet-system'
import { ganttSvg } from './scheduling/gantt'
import { measure, type Outcome } from './scheduling/measure'
import { CKPTS, scenarios, stepMs, type Scale, type Scenario } from './scheduling/scenarios'
import type { SystemRun } from './scheduling/system-run'

// 0 = not given: the time scale depends on --full, the count scale is the (1).
const ARGS = benchArgs(
  { seed: 7, 'time-scale': 0, 'count-scale': 0 },
  { booleans: ['full', 'fleet-only', 'no-round-robin'], strings: ['scenarios'] }
)
const FULL = ARGS.has('full')
const SCALE: Scale = {
  seed: ARGS.num.seed,
  timeScale: ARGS.num['time-scale'] || (FULL ? 1 : 0.25),
  countScale: ARGS.num['count-scale'] || 1,
}
const ONLY = ARGS.str('scenarios')?.split(',')
/** While working on the scheduler: ComfyFleet alone, no baselines, no targets, nothing written but the charts. */
const FLEET_ONLY = ARGS.has('fleet-only')
/** Round-robin is the slowest system by far (2–4× the bound): a long run at real durations may skip it. */
const NO_ROUND_ROBIN = ARGS.has('no-round-robin')
// --fleet-only's charts go to the system's temp folder: bench/results/ holds only full runs' figures.
/** Another scale's figures go beside the default ones, not over them (`scheduling-t1-c0.2.json` and its charts). */
const DEFAULT_SCALE = SCALE.timeScale === 0.25 && SCALE.countScale === 1
const RESULT = DEFAULT_SCALE ? 'scheduling' : `scheduling-t${SCALE.timeScale}-c${SCALE.countScale}`
const CHARTS = FLEET_ONLY ? join(tmpdir(), 'comfyfleet-scheduling') : join(__dirname, 'results', RESULT)

function farmOf(sc: Scenario): Promise<RemoteFarm> {
  return RemoteFarm.start({
    servers: sc.speeds.length,
    speeds: sc.speeds,
    timing: { stepMs: stepMs(SCALE), nodeMs: 0, loadMs: 0 },
    ...(sc.vramGb ? { vramGb: sc.vramGb } : {}),
    ...(sc.vram ? { vram: sc.vram } : {}),
    ...(sc.models ? { models: sc.models } : {}),
  })
}

/** One system on a fresh farm; the farm's timeline gives the figures. */
async function onFreshFarm(sc: Scenario, go: (farm: RemoteFarm) => Promise<SystemRun>): Promise<Outcome> {
  const farm = await farmOf(sc)
  try {
    const run = await go(farm)
    return measure(sc, run, await farm.stats(run.lastStats), sc.runs[0]?.ckpt ?? CKPTS[0])
  } finally {
    await farm.stop()
  }
}

function targetsOf(sc: Scenario, [cf, sw]: Outcome[]): Target[] {
  const t: Target[] = [target(`${sc.id} ComfyFleet makespan / lower bound`, cf!.ratio, 1.05, '×', 'max')]
  const vsSwarm = round(cf!.ratio / sw!.ratio, 3)
  if (sc.id === 'S2' || sc.id === 'S3')
    t.push(target(`${sc.id} ComfyFleet / SwarmUI makespan`, vsSwarm, 0.85, '×', 'max'))
  else t.push(target(`${sc.id} ComfyFleet / SwarmUI makespan`, vsSwarm, 1, '×', 'max'))
  if (sc.interactive && cf!.urgentWaitMs !== null) {
    // "the shortest running run's remaining time + 1 s", the second scaled like every other duration.
    const limit = (cf!.shortestRemainingMs ?? 0) + 1000 * SCALE.timeScale
    t.push(target(`${sc.id} urgent run's wait before it starts`, cf!.urgentWaitMs, Math.round(limit), 'ms', 'max'))
  }
  return t
}

async function main(): Promise<void> {
  const all = scenarios(SCALE)
  const unknown = (ONLY ?? []).filter((id) => !all.some((s) => s.id === id))
  if (unknown.length > 0) {
    console.error(`bench: unknown scenario ${unknown.join(', ')} (known: ${all.map((s) => s.id).join(', ')})`)
    process.exit(2)
  }
  const list = all.filter((s) => !ONLY || ONLY.includes(s.id))
  console.log(
    `scheduling: ${list.map((s) => s.id).join(' ')}; step ${stepMs(SCALE)} ms (time scale ${SCALE.timeScale}), counts × ${SCALE.countScale}, seed ${SCALE.seed}`
  )
  mkdirSync(CHARTS, { recursive: true })
  const fleet = await startFleet()
  const results: Array<{ scenario: string; title: string; runs: number; outcomes: Array<Omit<Outcome, 'chart'>> }> = []
  const targets: Target[] = []
  try {
    for (const sc of list) {
      const outcomes = [await onFreshFarm(sc, (farm) => comfyFleet(fleet, sc, farm))]
      if (!FLEET_ONLY) {
        outcomes.push(await onFreshFarm(sc, (farm) => swarm(sc, farm)))
        if (!NO_ROUND_ROBIN) outcomes.push(await onFreshFarm(sc, (farm) => roundRobin(sc, farm)))
      }
      const models = [...new Set(outcomes.flatMap((o) => o.chart.lanes.flatMap((l) => l.spans.map((s) => s.model))))]
      for (const o of outcomes) {
        const file = `${sc.id}-${o.system.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.svg`
        mkdirSync(CHARTS, { recursive: true })
        writeFileSync(join(CHARTS, file), ganttSvg(o.chart, models.sort()))
      }
      console.log(`\n${sc.id} ${sc.title} (${sc.runs.length} runs)`)
      console.table(
        outcomes.map(({ chart: _chart, ...o }) => ({
          ...o,
          makespanS: round(o.makespanMs / 1000),
          lbS: round(o.lowerBoundMs / 1000),
        }))
      )
      results.push({
        scenario: sc.id,
        title: sc.title,
        runs: sc.runs.length,
        outcomes: outcomes.map(({ chart: _chart, ...o }) => o),
      })
      if (!FLEET_ONLY) targets.push(...targetsOf(sc, outcomes))
    }
  } finally {
    await fleet.stop()
  }
  if (FLEET_ONLY) return
  printTargets('scheduling', targets)
  writeResult(RESULT, { scale: SCALE, stepMs: stepMs(SCALE), results, targets })
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  }
)
