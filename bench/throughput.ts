/**
 * Benchmark 3, "Throughput": runs dispatched per second with 0 ms GPUs and 8 simulated servers (in their
 * own process). N runs are submitted through the SDK by 8 concurrent submitters; the rate is completed
 * runs per second from the first submission to the last completion, and the steady rate between the
 * 10th and the 90th percentile completion.
 *
 * Then the Temporal floor: the same number of runs, with the same concurrency, as bare one-activity
 * workflows on the same Temporal server, each activity running the direct client against the same servers.
 * It is the most any Temporal-based runner can do on this machine, so ComfyFleet's rate is also given as a
 * share of it.
 *
 * Run: `npx tsx bench/throughput.ts [--runs 400]`. Writes bench/results/throughput.json.
 */
import type { Client } from '@temporalio/client'
import { temporal } from '@temporalio/proto'
import { benchArgs } from './lib/args'
import { DirectComfyClient } from './lib/direct-client'
import { FinishedRuns } from './lib/finished'
import { registerServers, startFleet } from './lib/fleet-core'
import { txt2img } from './lib/prompts'
import { RemoteFarm } from './lib/remote-farm'
import { startTemporalFloor } from './lib/temporal-floor'
import { treeCpuByKind, treeCpuMs } from './lib/tree-cpu'
import { printTargets, round, target, writeResult } from './lib/report'

const EventType = temporal.api.enums.v1.EventType
const RUNS = benchArgs({ runs: 400 }).num.runs
const SERVERS = 8
const SUBMITTERS = 8

async function main(): Promise<void> {
  console.log(`throughput: ${RUNS} runs, ${SERVERS} servers with 0 ms of work, ${SUBMITTERS} concurrent submitters`)
  const farm = await RemoteFarm.start({ servers: SERVERS, speeds: [], timing: { stepMs: 0, nodeMs: 0, loadMs: 0 } })
  const fleet = await startFleet()
  try {
    await registerServers(fleet.client, farm.servers(), 2)
    const finished = new FinishedRuns(fleet.core)
    const ids: string[] = []
    const cpu0 = treeCpuMs()
    const kinds0 = cpuByKind()
    const t0 = performance.now()
    await bySubmitters(async (i) => {
      const r = await fleet.client.submit(txt2img({ seed: i, steps: 1, prefix: 'tp' }))
      ids.push(...r.run_ids)
    })
    const submitMs = performance.now() - t0
    await finished.all(ids, 900_000)
    const cpuPerRun = perRun(cpu0, treeCpuMs())
    const fleetKinds = kindsPerRun(kinds0, cpuByKind())
    const times = ids.map((id) => finished.at.get(id)!.at - t0).sort((a, b) => a - b)
    const notCompleted = ids.filter((id) => finished.at.get(id)!.status !== 'completed').length
    const totalS = times.at(-1)! / 1000
    const lo = times[Math.floor(RUNS * 0.1)]!
    const hi = times[Math.floor(RUNS * 0.9)]!
    const steady = ((Math.floor(RUNS * 0.9) - Math.floor(RUNS * 0.1)) / (hi - lo)) * 1000
    const executed = (await farm.stats()).reduce((a, s) => a + s.completed, 0)
    finished.close()
    const temporalClient = fleet.core.temporal.client!
    const shape = await historyShape(temporalClient, ids)
    const floor = await floorRate(fleet.core.temporal.connectionConfig(), farm.urls)
    const floorPerS = floor.perS
    const floorCpuPerRun = floor.cpuMsPerRun
    const floorShape = await historyShape(temporalClient, floor.workflowIds)
    const row = {
      runs: RUNS,
      notCompleted,
      executedOnSims: executed,
      submitS: round(submitMs / 1000),
      submitPerS: round(RUNS / (submitMs / 1000), 1),
      totalS: round(totalS),
      overallPerS: round(RUNS / totalS, 1),
      steadyPerS: round(steady, 1),
      temporalFloorPerS: round(floorPerS, 1),
      shareOfFloor: round(RUNS / totalS / floorPerS, 2),
      workflowTasksPerRun: shape.workflowTasks,
      signalsPerRun: shape.signals,
      floorWorkflowTasksPerRun: floorShape.workflowTasks,
      cpuMsPerRun: cpuPerRun,
      floorCpuMsPerRun: floorCpuPerRun,
      cpuShareOfFloor: cpuPerRun === null || floorCpuPerRun === null ? null : round(floorCpuPerRun / cpuPerRun, 2),
    }
    console.table([row])
    const targets = [
      target('runs completed per second (overall)', row.overallPerS, 50, 'runs/s', 'min'),
      // Issue #17 item 6: against bare one-activity workflows on the same Temporal server, in the same run.
      target("share of the Temporal floor's runs/s", row.shareOfFloor * 100, 90, '%', 'min'),
    ]
    if (notCompleted > 0) console.log(`  ${notCompleted} runs did not complete`)
    printTargets('throughput', targets)
    console.log(
      `  context: bare Temporal workflows (one activity each, the direct client) do ${row.temporalFloorPerS} runs/s on ` +
        `the same Temporal server and machine; ComfyFleet does ${Math.round(row.shareOfFloor * 100)} % of that`
    )
    // Runs per second move with other work on a shared machine; CPU per run much less (see lib/tree-cpu.ts).
    if (row.cpuShareOfFloor !== null)
      console.log(
        `  CPU per run (every process of the bench): ComfyFleet ${row.cpuMsPerRun} ms, floor ${row.floorCpuMsPerRun} ms; ` +
          `on a machine it had to itself ComfyFleet would do ≈${Math.round(row.cpuShareOfFloor * 100)} % of the floor's rate`
      )
    const cpuByProcess = Object.keys({ ...fleetKinds, ...floor.cpuByKind }).map((kind) => ({
      process: kind,
      comfyFleetMsPerRun: fleetKinds[kind] ?? 0,
      floorMsPerRun: floor.cpuByKind[kind] ?? 0,
    }))
    if (cpuByProcess.length > 0) {
      console.log(
        "  CPU per run by process (the bench process runs main and the SDK, or the floor's worker and client):"
      )
      console.table(cpuByProcess)
    }
    writeResult('throughput', { ...row, cpuByProcess, servers: SERVERS, targets })
  } finally {
    await fleet.stop()
    await farm.stop()
  }
}

/** CPU milliseconds per run of this process tree between two readings (null off Linux). */
function perRun(before: number | null, after: number | null): number | null {
  return before === null || after === null ? null : round((after - before) / RUNS, 1)
}

/** CPU so far by process kind: the bench process itself, the Temporal server, the worker, the simulators. */
function cpuByKind(): Map<string, number> | null {
  return treeCpuByKind((cmd) => {
    if (cmd.includes('start-dev')) return 'Temporal server'
    if (cmd.includes('farm-child')) return 'simulators'
    if (cmd.includes('worker')) return 'ComfyFleet worker'
    return 'other'
  })
}

/** Each kind's CPU milliseconds per run between two readings (kinds under 0.1 ms a run left out). */
function kindsPerRun(before: Map<string, number> | null, after: Map<string, number> | null): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [kind, ms] of after ?? []) {
    const perRunMs = round((ms - (before?.get(kind) ?? 0)) / RUNS, 1)
    if (perRunMs >= 0.1) out[kind === 'root' ? 'bench process' : kind] = perRunMs
  }
  return out
}

/** Calls `one` for run indexes 0..RUNS-1, SUBMITTERS at a time (each takes the next index when it is free). */
async function bySubmitters(one: (index: number) => Promise<void>): Promise<void> {
  let next = 0
  const submitter = async (): Promise<void> => {
    for (let i = next++; i < RUNS; i = next++) await one(i)
  }
  await Promise.all(Array.from({ length: SUBMITTERS }, submitter))
}

/**
 * Mean workflow tasks and signals per run over a sample of the runs' histories: each workflow task costs the
 * worker's sandbox and the Temporal server CPU, so a run that needs more of them than the floor's shows here.
 */
async function historyShape(client: Client, ids: string[]): Promise<{ workflowTasks: number; signals: number }> {
  const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 40)) === 0)
  let workflowTasks = 0
  let signals = 0
  for (const id of sample) {
    for (const e of (await client.workflow.getHandle(id).fetchHistory()).events ?? []) {
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) workflowTasks++
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) signals++
    }
  }
  return { workflowTasks: round(workflowTasks / sample.length, 2), signals: round(signals / sample.length, 2) }
}

/** Runs per second of bare one-activity workflows over the same servers, SUBMITTERS at a time. */
async function floorRate(
  temporal: { address: string; namespace: string },
  urls: string[]
): Promise<{ perS: number; workflowIds: string[]; cpuMsPerRun: number | null; cpuByKind: Record<string, number> }> {
  const clients = urls.map((url) => new DirectComfyClient(url))
  await Promise.all(clients.map((c) => c.connect()))
  let turn = 0
  const floor = await startTemporalFloor(temporal.address, temporal.namespace, () => clients[turn++ % clients.length]!)
  try {
    const cpu0 = treeCpuMs()
    const kinds0 = cpuByKind()
    const t0 = performance.now()
    const workflowIds: string[] = []
    await bySubmitters(async (i) => {
      const run = await floor.runWithId(txt2img({ seed: 1_000_000 + i, steps: 1, prefix: 'tpfloor' }))
      if (run.images !== 1) throw new Error(`floor run ${i}: expected 1 image, got ${run.images}`)
      workflowIds.push(run.workflowId)
    })
    const perS = RUNS / ((performance.now() - t0) / 1000)
    return { perS, workflowIds, cpuMsPerRun: perRun(cpu0, treeCpuMs()), cpuByKind: kindsPerRun(kinds0, cpuByKind()) }
  } finally {
    await floor.stop()
    for (const c of clients) c.close()
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  }
)
