/**
 * Benchmark 2, "Makespan on a heterogeneous farm": 200 runs of mixed lengths (10..40 sampler steps,
 * seeded shuffle) on 4 simulated GPUs with speeds 1, 1, 0.5, 2 — through ComfyFleet and through two
 * baseline schedulers written here over the simulator's real HTTP/WS API:
 *  - round-robin: run i is posted to server i mod 4 at once (ComfyUI queues it);
 *  - SwarmUI's policy: each server takes up to 2 runs in flight, a run is bound to a server when it
 *    claims it (so a run queued behind a slow GPU stays there).
 * Each system gets a fresh farm; ComfyFleet gets one 1-step warm-up run per GPU before the clock starts
 * (they end before the clock starts and are left out of every figure). ideal = total work / total speed, but at least the longest run on the
 * fastest GPU. Work is measured from the simulator's busy intervals × speed (nominal work is printed too:
 * the simulator's timers overshoot a little, which is GPU time, not scheduling).
 *
 * Run: `npx tsx bench/makespan.ts [--runs 200] [--step-ms 30] [--seed 7]`. Writes bench/results/makespan.json.
 */
import { benchArgs } from './lib/args'
import { DirectComfyClient } from './lib/direct-client'
import { FinishedRuns } from './lib/finished'
import { RemoteFarm } from './lib/remote-farm'
import { registerServers, startFleet, type FleetHandle } from './lib/fleet-core'
import { Prng } from './lib/prng'
import { txt2img } from './lib/prompts'
import { printTargets, round, target, writeResult } from './lib/report'

const ARGS = benchArgs({ runs: 200, 'step-ms': 30, seed: 7 }, { booleans: ['fleet-only'] })
const RUNS = ARGS.num.runs
const STEP_MS = ARGS.num['step-ms']
const SEED = ARGS.num.seed
const SPEEDS = [1, 1, 0.5, 2]

interface Outcome {
  system: string
  makespanMs: number
  /** First GPU start to last GPU end. */
  gpuSpanMs: number
  idealMs: number
  ratio: number
  busy: number[]
  /** Per server: idle ms before its first run, between runs, and after its last run until the end. */
  idle: Array<{ start: number; gaps: number; tail: number }>
}

/** Steps of each run, in submission order. */
function runList(): number[] {
  const prng = new Prng(SEED)
  return Array.from({ length: RUNS }, () => prng.int(10, 40))
}

/** A fresh farm in its own process, so the simulated GPUs' timers do not share a CPU queue with the system. */
function farm(): Promise<RemoteFarm> {
  return RemoteFarm.start({ servers: SPEEDS.length, speeds: SPEEDS, timing: { stepMs: STEP_MS, nodeMs: 0, loadMs: 0 } })
}

/** Makespan, ideal and per-server busy fraction from the farm's busy intervals. */
async function outcome(
  system: string,
  f: RemoteFarm,
  t0Epoch: number,
  makespanMs: number,
  steps: number[]
): Promise<Outcome> {
  // Only what ran after the clock started (warm-up runs end before it).
  const intervals = (await f.stats()).map((s) => s.busyIntervals.filter(([start]) => start >= t0Epoch))
  const all = intervals.flat()
  const gpuStart = Math.min(...all.map((i) => i[0]))
  const gpuEnd = Math.max(...all.map((i) => i[1]))
  const measuredWork = intervals.reduce(
    (sum, list, i) => sum + list.reduce((a, [s, e]) => a + (e - s), 0) * SPEEDS[i]!,
    0
  )
  const totalSpeed = SPEEDS.reduce((a, b) => a + b, 0)
  const fastest = Math.max(...SPEEDS)
  const longest = (Math.max(...steps) * STEP_MS) / fastest
  const idealMs = Math.max(measuredWork / totalSpeed, longest)
  const busy = intervals.map((list) => {
    const ms = list.reduce((a, [s, e]) => a + (Math.min(e, t0Epoch + makespanMs) - Math.max(s, t0Epoch)), 0)
    return round(ms / makespanMs, 3)
  })
  const end = t0Epoch + makespanMs
  const idle = intervals.map((list) => {
    const sorted = [...list].sort((a, b) => a[0] - b[0])
    let gaps = 0
    for (let i = 1; i < sorted.length; i++) gaps += Math.max(0, sorted[i]![0] - sorted[i - 1]![1])
    const first = sorted[0]?.[0] ?? end
    const last = sorted.at(-1)?.[1] ?? end
    return { start: Math.round(first - t0Epoch), gaps: Math.round(gaps), tail: Math.round(end - last) }
  })
  return {
    system,
    idle,
    makespanMs: round(makespanMs),
    gpuSpanMs: round(gpuEnd - gpuStart),
    idealMs: round(idealMs),
    ratio: round(makespanMs / idealMs, 3),
    busy,
  }
}

async function roundRobin(steps: number[]): Promise<Outcome> {
  const f = await farm()
  const clients = f.urls.map((u) => new DirectComfyClient(u))
  await Promise.all(clients.map((c) => c.connect()))
  const t0Epoch = Date.now()
  const t0 = performance.now()
  await Promise.all(steps.map((n, i) => clients[i % clients.length]!.run(txt2img({ steps: n, seed: i, prefix: 'rr' }))))
  const o = await outcome('round-robin', f, t0Epoch, performance.now() - t0, steps)
  for (const c of clients) c.close()
  await f.stop()
  return o
}

async function swarm(steps: number[]): Promise<Outcome> {
  const f = await farm()
  const clients = f.urls.map((u) => new DirectComfyClient(u))
  await Promise.all(clients.map((c) => c.connect()))
  const queue = steps.map((n, i) => ({ n, i }))
  const t0Epoch = Date.now()
  const t0 = performance.now()
  // Two claimers per server: a free slot claims the next run and that run is bound to this server.
  const slot = async (c: DirectComfyClient): Promise<void> => {
    for (let job = queue.shift(); job; job = queue.shift())
      await c.run(txt2img({ steps: job.n, seed: job.i, prefix: 'sw' }))
  }
  await Promise.all(clients.flatMap((c) => [slot(c), slot(c)]))
  const o = await outcome('SwarmUI (2 in flight, bound at claim)', f, t0Epoch, performance.now() - t0, steps)
  for (const c of clients) c.close()
  await f.stop()
  return o
}

async function comfyFleet(fleet: FleetHandle, steps: number[]): Promise<Outcome> {
  const f = await farm()
  const views = await registerServers(fleet.client, f.servers(), 2)
  const finished = new FinishedRuns(fleet.core)
  // Warm-up, as in the overhead bench: one short run per GPU before the clock starts, so the first
  // workflow's cold start (the worker's workflow sandbox, first connections) is not counted as scheduling.
  const warm: string[] = []
  for (const v of views) {
    const r = await fleet.client.submit(txt2img({ steps: 1, seed: 900_000 + warm.length, prefix: 'warm' }), {
      server: v.id,
    })
    warm.push(...r.run_ids)
  }
  await finished.all(warm, 60_000)
  const t0Epoch = Date.now()
  const t0 = performance.now()
  const ids: string[] = []
  for (let i = 0; i < steps.length; i++) {
    const r = await fleet.client.submit(txt2img({ steps: steps[i], seed: 10_000 + i, prefix: 'cf' }))
    ids.push(...r.run_ids)
  }
  await finished.all(ids, 600_000)
  const end = Math.max(...ids.map((id) => finished.at.get(id)!.at))
  const failed = ids.filter((id) => finished.at.get(id)!.status !== 'completed')
  if (failed.length > 0) throw new Error(`${failed.length} ComfyFleet runs did not complete`)
  const o = await outcome('ComfyFleet', f, t0Epoch, end - t0, steps)
  finished.close()
  for (const v of views) await fleet.client.removeServer(v.id).catch(() => null)
  await f.stop()
  return o
}

async function main(): Promise<void> {
  const steps = runList()
  const work = steps.reduce((a, b) => a + b, 0) * STEP_MS
  console.log(`makespan: ${RUNS} runs (10..40 steps, seed ${SEED}), step ${STEP_MS} ms, speeds ${SPEEDS.join(', ')}`)
  console.log(`  nominal work ${round(work / 1000)} s → nominal ideal ${round(work / 4.5 / 1000)} s`)
  const fleet = await startFleet()
  const results: Outcome[] = []
  try {
    results.push(await comfyFleet(fleet, steps))
    console.log(`  ComfyFleet done in ${round(results[0]!.makespanMs / 1000)} s`)
  } finally {
    await fleet.stop()
  }
  if (ARGS.has('fleet-only')) {
    console.table(results[0]?.idle)
    console.log(results[0])
    return
  }
  results.push(await roundRobin(steps))
  results.push(await swarm(steps))
  console.table(
    results.map(({ idle, ...r }) => ({
      ...r,
      busy: r.busy.map((b) => `${Math.round(b * 100)}%`).join(' '),
      'idle start/gaps/tail ms': idle.map((i) => `${i.start}/${i.gaps}/${i.tail}`).join('  '),
    }))
  )
  const [cf, rr, sw] = results as [Outcome, Outcome, Outcome]
  const targets = [
    target('ComfyFleet makespan / ideal', cf.ratio, 1.02, '×', 'max'),
    target('ComfyFleet / round-robin makespan', round(cf.makespanMs / rr.makespanMs, 3), 1, '×', 'max'),
    target('ComfyFleet / SwarmUI makespan', round(cf.makespanMs / sw.makespanMs, 3), 1, '×', 'max'),
  ]
  printTargets('makespan', targets)
  writeResult('makespan', {
    runs: RUNS,
    stepMs: STEP_MS,
    seed: SEED,
    speeds: SPEEDS,
    nominalWorkMs: work,
    results,
    targets,
  })
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  }
)
