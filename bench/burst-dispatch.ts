/**
 * How fast Temporal hands out a burst: ComfyFleet gets 200 runs in one request on 4 simulated GPUs, and this
 * reads, from each of the first 40 runs' histories (the longest, started first), how long its first workflow
 * task waited to be picked up and when its activity was scheduled. A diagnostic, not a target: it showed
 * the dev server's default 4 partitions per task queue stranding some of a burst's tasks for seconds
 * (src-main/temporal/dev-server.ts).
 *
 * Run: `npx tsx bench/burst-dispatch.ts [--runs 200] [--first 40]` (requires `npm run build`).
 */
import { Client, Connection } from '@temporalio/client'
import { temporal } from '@temporalio/proto'
import { benchArgs } from './lib/args'
import { registerServers, startFleet } from './lib/fleet-core'
import { eventEpochMs } from './lib/history-time'
import { RemoteFarm } from './lib/remote-farm'
import { median, round } from './lib/report'
import { promptOf } from './scheduling/prompts'
import type { RunSpec } from './scheduling/scenarios'

const ARGS = benchArgs({ runs: 200, first: 40 })
const CKPT = 'v1-5-pruned-emaonly-fp16.safetensors'
const EventType = temporal.api.enums.v1.EventType

async function main(): Promise<void> {
  const fleet = await startFleet()
  const farm = await RemoteFarm.start({
    servers: 4,
    speeds: [1, 1, 0.5, 2],
    timing: { stepMs: 50, nodeMs: 0, loadMs: 0 },
  })
  try {
    await registerServers(fleet.client, farm.servers(), 2)
    const warm = await fleet.client.submit(promptOf(spec(100_000, 1), 'warm'))
    await fleet.client.waitForRun(warm.run_ids[0]!, 60)
    const specs = Array.from({ length: ARGS.num.runs }, (_, i) => spec(i, 10 + (i % 31)))
    const t0 = Date.now()
    const { run_ids } = await fleet.client.submitMany(specs.map((s) => promptOf(s, 'cf')))
    await new Promise((r) => setTimeout(r, 5_000))
    const cfg = fleet.core.temporal.connectionConfig()
    const client = new Client({
      connection: await Connection.connect({ address: cfg.address }),
      namespace: cfg.namespace,
    })
    const longestFirst = specs.map((_, i) => i).sort((a, b) => specs[b]!.steps - specs[a]!.steps || a - b)
    const waits: number[] = []
    const scheduled: number[] = []
    for (const i of longestFirst.slice(0, ARGS.num.first)) {
      const events = (await client.workflow.getHandle(run_ids[i]!).fetchHistory()).events ?? []
      const at = (type: temporal.api.enums.v1.EventType): number | null => {
        const e = events.find((x) => x.eventType === type)
        return e === undefined ? null : eventEpochMs(e)
      }
      const started = at(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
      const picked = at(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)
      const activity = at(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
      if (started === null || picked === null || activity === null)
        throw new Error(`run ${run_ids[i]} has no activity yet`)
      waits.push(picked - started)
      scheduled.push(activity - t0)
    }
    const sorted = [...scheduled].sort((a, b) => a - b)
    console.log(`burst-dispatch: ${ARGS.num.runs} runs in one request, the first ${ARGS.num.first} (longest) read back`)
    console.log(
      `  first workflow task waited: median ${round(median(waits))} ms, max ${Math.max(...waits)} ms, over 1 s: ${waits.filter((w) => w > 1000).length}`
    )
    console.log(
      `  activity scheduled after submit: 1st ${sorted[0]} ms, 8th ${sorted[7]} ms, median ${round(median(scheduled))} ms, last ${sorted.at(-1)} ms`
    )
  } finally {
    await farm.stop()
    await fleet.stop()
  }
}

function spec(index: number, steps: number): RunSpec {
  return { index, steps, ckpt: CKPT, upscale: false }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  }
)
