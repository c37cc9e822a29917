/**
 * ComfyFleet on a scenario: the real app (Temporal dev server, worker process, HTTP API) driven through
 * the SDK. The batch is one request of many workflows (`submitMany`, as a script sends a sweep of
 * different prompts): the user fixed no order, so the engine starts the longest expected work first.
 * The urgent run of S6 is its own request, as a user would drop it in.
 */
import { FinishedRuns } from '../lib/finished'
import { registerServers, type FleetHandle } from '../lib/fleet-core'
import type { RemoteFarm } from '../lib/remote-farm'
import { crashServer } from './crash'
import { Milestones } from './milestones'
import { promptOf } from './prompts'
import type { RunSpec, Scenario } from './scenarios'
import type { SystemRun } from './system-run'

/** How long one scenario may take before the bench gives up on ComfyFleet (runs that hang are a bug). */
const SCENARIO_TIMEOUT_MS = 15 * 60_000

export async function comfyFleet(fleet: FleetHandle, sc: Scenario, farm: RemoteFarm): Promise<SystemRun> {
  const servers = farm.servers()
  const joining = sc.churn?.join
  const views = await registerServers(
    fleet.client,
    servers.filter((_, i) => i !== joining),
    2
  )
  const idOf = new Map(views.map((v) => [v.address, v.id]))
  const finished = new FinishedRuns(fleet.core)
  try {
    await warm(fleet, finished, servers, idOf, sc)
    const milestones = new Milestones(sc.runs.length)
    const t0Epoch = Date.now()
    const t0 = performance.now()
    const result: SystemRun = {
      system: 'ComfyFleet',
      t0Epoch,
      makespanMs: 0,
      events: [],
      urgentPromptPrefix: null,
      urgentSubmitEpoch: null,
      lastStats: new Map(),
    }
    const ids = new Set<string>()
    // Runs of the batch may finish before the request that started them answers: counted once known.
    const finishedUnknown = new Set<string>()
    const extra: Array<Promise<string>> = []
    const off = fleet.core.onRunFinished((s) => {
      if (ids.has(s.id)) milestones.done()
      else finishedUnknown.add(s.id)
    })
    if (sc.churn) {
      const { die, dieAt, join, joinAt } = sc.churn
      milestones.at(dieAt, () => {
        void crashServer(result, die, servers[die]!.url)
      })
      milestones.at(joinAt, () => {
        result.events.push({ kind: 'joined', server: join, at: Date.now() })
        void fleet.client.registerServer({ name: servers[join]!.name, address: servers[join]!.url, slots: 2 })
      })
    }
    // A holder, not a `let`: the milestone sets it later, inside a callback.
    const urgentRun: { id: Promise<string> | null } = { id: null }
    if (sc.interactive) {
      const urgent = sc.interactive.run
      milestones.at(sc.interactive.at, () => {
        result.urgentSubmitEpoch = Date.now()
        urgentRun.id = submit(fleet, urgent)
        extra.push(urgentRun.id)
      })
    }
    for (const id of await submitBatch(fleet, sc.runs)) {
      ids.add(id)
      if (finishedUnknown.has(id)) milestones.done()
    }
    await finished.all([...ids], SCENARIO_TIMEOUT_MS)
    const all = [...ids, ...(await Promise.all(extra))]
    await finished.all(all, SCENARIO_TIMEOUT_MS)
    off()
    const failed = all.filter((id) => finished.at.get(id)!.status !== 'completed')
    if (failed.length > 0) throw new Error(`${failed.length} ComfyFleet runs did not complete in ${sc.id}`)
    result.makespanMs = Math.max(...[...ids].map((id) => finished.at.get(id)!.at)) - t0
    if (urgentRun.id !== null) result.urgentPromptPrefix = await promptIdOf(fleet, await urgentRun.id)
    return result
  } finally {
    finished.close()
    for (const v of await fleet.client.listServers()) await fleet.client.removeServer(v.id).catch(() => null)
  }
}

/** The whole batch in one request; run ids in the scenario's order. */
async function submitBatch(fleet: FleetHandle, specs: RunSpec[]): Promise<string[]> {
  const r = await fleet.client.submitMany(specs.map((spec) => promptOf(spec, 'cf')))
  return r.run_ids
}

async function submit(fleet: FleetHandle, spec: RunSpec): Promise<string> {
  const opts = spec.priority === undefined ? {} : { priority: spec.priority }
  const r = await fleet.client.submit(promptOf(spec, 'cf'), opts)
  return r.run_ids[0]!
}

/** One short run of the first checkpoint per GPU before the clock starts (cold start is not scheduling). */
async function warm(
  fleet: FleetHandle,
  finished: FinishedRuns,
  servers: Array<{ url: string }>,
  idOf: Map<string, string>,
  sc: Scenario
): Promise<void> {
  const warmIds: string[] = []
  for (const s of servers) {
    const id = idOf.get(s.url)
    if (id === undefined) continue
    const spec = { index: 100_000 + warmIds.length, steps: 1, ckpt: sc.runs[0]!.ckpt, upscale: false }
    const r = await fleet.client.submit(promptOf(spec, 'warm'), { server: id })
    warmIds.push(...r.run_ids)
  }
  await finished.all(warmIds, 120_000)
}

/** The ComfyUI prompt_id a finished run used, from its recorded ComfyUI events (the status no longer has it). */
async function promptIdOf(fleet: FleetHandle, runId: string): Promise<string | null> {
  const events = await fleet.client.events(runId)
  const id = events.map((e) => e.data.prompt_id).find((p) => typeof p === 'string')
  return typeof id === 'string' ? id : null
}
