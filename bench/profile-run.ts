/**
 * Where one run's time goes: runs 0-ms prompts one at a time through ComfyFleet and prints, per phase,
 * the median time between the run's Temporal history events and the SDK call's start and end.
 * Run: `npx tsx bench/profile-run.ts [--runs 30]`.
 */
import { benchArgs } from './lib/args'
import { registerServers, startFleet } from './lib/fleet-core'
import { txt2img } from './lib/prompts'
import { RemoteFarm } from './lib/remote-farm'
import { median, round } from './lib/report'

const RUNS = benchArgs({ runs: 30 }).num.runs

async function main(): Promise<void> {
  const fleet = await startFleet()
  const farm = await RemoteFarm.start({
    servers: 1,
    speeds: [1],
    timing: { stepMs: Number(process.env.STEP_MS ?? 0), nodeMs: 0, loadMs: 0 },
  })
  await registerServers(fleet.client, farm.servers(), 2)
  const rows: Record<string, number[]> = {}
  const add = (k: string, v: number): void => void (rows[k] ??= []).push(v)
  try {
    for (let i = 0; i < RUNS + 3; i++) {
      const t0 = Date.now()
      const r = await fleet.client.executeWorkflow(txt2img({ seed: i, steps: 10, prefix: 'p' }), { wait: true })
      const t1 = Date.now()
      if (process.env.FIRST ? i > 0 : i < 3) continue
      const handle = fleet.core.temporal.client!.workflow.getHandle(r.run_id)
      const events: { type: string; time: number }[] = []
      for (const e of (await handle.fetchHistory()).events ?? []) {
        const ts = e.eventTime as { seconds?: { toNumber(): number }; nanos?: number }
        const time = (ts.seconds?.toNumber() ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)
        events.push({ type: String(e.eventType), time })
      }
      let prev = t0
      let last = ''
      for (const [j, e] of events.entries()) {
        add(`${String(j).padStart(2)} ${e.type} (since ${last || 'submit'})`, e.time - prev)
        prev = e.time
        last = String(e.type)
      }
      add('99 response (since last event)', t1 - prev)
      add('total', t1 - t0)
    }
  } finally {
    await farm.stop()
    await fleet.stop()
    if (process.env.SHOW_MARKS) {
      const { readFileSync } = await import('node:fs')
      const lines = readFileSync(`${fleet.dataDir}/logs/worker.log`, 'utf8')
        .split('\n')
        .filter((l) => l.includes('MARKS'))
      console.log(lines.slice(-8).join('\n'))
    }
  }
  const table = Object.entries(rows)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => ({ phase: k, medianMs: round(median(v)), n: v.length }))
  console.table(table)
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  }
)
