/**
 * Where one run's time goes: runs 0-ms prompts one at a time through ComfyFleet and, alternating with it,
 * through the bare Temporal floor (bench/lib/temporal-floor.ts), and prints per system and phase the median
 * time between the run's Temporal history events and the call's start and end. ComfyFleet's extra
 * events, and its slower phases, are what our own code adds on top of Temporal.
 * Run: `npx tsx bench/profile-run.ts [--runs 30]` (STEP_MS=20 for 200 ms of simulated work).
 */
import { temporal } from '@temporalio/proto'
import type { Client } from '@temporalio/client'
import { benchArgs } from './lib/args'
import { DirectComfyClient } from './lib/direct-client'
import { eventEpochMs } from './lib/history-time'
import { registerServers, startFleet } from './lib/fleet-core'
import { txt2img } from './lib/prompts'
import { RemoteFarm } from './lib/remote-farm'
import { median, round } from './lib/report'
import { startTemporalFloor } from './lib/temporal-floor'

const RUNS = benchArgs({ runs: 30 }).num.runs
const WARMUP = 3

type Rows = Record<string, number[]>

async function main(): Promise<void> {
  const fleet = await startFleet()
  const farm = await RemoteFarm.start({
    servers: 1,
    speeds: [1],
    timing: { stepMs: Number(process.env.STEP_MS ?? 0), nodeMs: 0, loadMs: 0 },
  })
  await registerServers(fleet.client, farm.servers(), 2)
  const direct = new DirectComfyClient(farm.urls[0]!)
  await direct.connect()
  const connection = fleet.core.temporal.connectionConfig()
  const floor = await startTemporalFloor(connection.address, connection.namespace, () => direct)
  const client = fleet.core.temporal.client!
  const rows: { fleet: Rows; floor: Rows } = { fleet: {}, floor: {} }
  try {
    for (let i = 0; i < RUNS + WARMUP; i++) {
      let t0 = Date.now()
      const r = await fleet.client.executeWorkflow(txt2img({ seed: i, steps: 10, prefix: 'p' }), { wait: true })
      if (i >= WARMUP) await addPhases(rows.fleet, client, r.run_id, t0, Date.now())
      t0 = Date.now()
      const floorRun = await floor.runWithId(txt2img({ seed: 1_000_000 + i, steps: 10, prefix: 'f' }))
      if (i >= WARMUP) await addPhases(rows.floor, client, floorRun.workflowId, t0, Date.now())
    }
  } finally {
    await floor.stop()
    direct.close()
    await farm.stop()
    await fleet.stop()
  }
  for (const [system, r] of Object.entries(rows)) {
    console.log(`${system}:`)
    console.table(
      Object.entries(r)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => ({ phase: k, medianMs: round(median(v)), n: v.length }))
    )
  }
}

/** One run's history, phase by phase: the time since the previous event (or the submit), by event name. */
async function addPhases(rows: Rows, client: Client, workflowId: string, t0: number, t1: number): Promise<void> {
  const add = (k: string, v: number): void => void (rows[k] ??= []).push(v)
  const history = await client.workflow.getHandle(workflowId).fetchHistory()
  let prev = t0
  let last = 'submit'
  for (const [j, e] of (history.events ?? []).entries()) {
    const time = eventEpochMs(e)
    const name = eventName(e.eventType)
    add(`${String(j).padStart(2)} ${name} (since ${last})`, time - prev)
    prev = time
    last = name
  }
  add('99 response (since last event)', t1 - prev)
  add('total', t1 - t0)
}

function eventName(type: temporal.api.enums.v1.EventType | null | undefined): string {
  const name = temporal.api.enums.v1.EventType[type ?? 0] ?? String(type)
  return name.replace(/^EVENT_TYPE_/, '')
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  }
)
