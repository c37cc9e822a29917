/**
 * Benchmark 5, "Start and memory".
 *  - Cold start: `node out/main/headless.js` with a fresh data dir, from spawn to its
 *    "ComfyFleet is ready" line (embedded Temporal up, worker process ready, API listening). Median of 3.
 *  - Memory: on the last instance, a 1,000-run batch (count 1000) over 4 simulated 0 ms GPUs (in their own
 *    process); VmRSS of the main (headless) process and of the worker process from /proc every 500 ms.
 *    Target: main + worker ≤ 400 MB, and flat: the peak of the last 20 % of samples not above the peak of
 *    the warm-up window (20 %..40 %) by more than 10 %. The Temporal dev server's RSS is shown for context.
 *
 * Run: `npx tsx bench/start-memory.ts [--runs 1000] [--starts 3]`. Writes bench/results/start-memory.json.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ComfyFleetClient } from '../sdk'
import { benchArgs } from './lib/args'
import { assertBuilt, registerServers, sleep } from './lib/fleet-core'
import { startHeadlessApp, type HeadlessApp } from './lib/headless-app'
import { median, printTargets, round, target, writeResult } from './lib/report'
import { RemoteFarm } from './lib/remote-farm'
import { txt2img } from './lib/prompts'

const ARGS = benchArgs({ runs: 1000, starts: 3 })
const RUNS = ARGS.num.runs
const STARTS = ARGS.num.starts
const SAMPLE_MS = 500

interface Headless {
  app: HeadlessApp
  dataDir: string
  readyMs: number
}

/** A cold start: from spawn to the app's "ready" line, with a fresh data dir. */
async function startHeadless(): Promise<Headless> {
  const dataDir = mkdtempSync(join(tmpdir(), 'comfyfleet-start-'))
  const t0 = performance.now()
  const app = await startHeadlessApp(dataDir)
  return { app, dataDir, readyMs: performance.now() - t0 }
}

/** VmRSS in MB of a pid, or null when it is gone. */
function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : null
  } catch {
    return null
  }
}

/** The headless process's children, by what they run. */
function children(pid: number): { worker: number | null; temporal: number | null } {
  let worker: number | null = null
  let temporal: number | null = null
  const ids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
  for (const id of ids.map(Number)) {
    const cmd = readFileSync(`/proc/${id}/cmdline`, 'utf8')
    if (cmd.includes('worker.js')) worker = id
    else if (cmd.includes('temporal')) temporal = id
  }
  return { worker, temporal }
}

/** Runs of the batch in the history that have finished. */
async function finishedInHistory(client: ComfyFleetClient, batchId: string): Promise<number> {
  let n = 0
  let cursor: string | undefined
  do {
    const page = await client.history({
      batchId,
      status: ['completed', 'failed', 'cancelled'],
      limit: 200,
      ...(cursor ? { cursor } : {}),
    })
    n += page.items.length
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return n
}

interface Sample {
  t: number
  main: number
  worker: number
  temporal: number
  done: number
}

async function main(): Promise<void> {
  assertBuilt()
  console.log(`start-memory: ${STARTS} cold starts, then a ${RUNS}-run batch on 4 simulated 0 ms GPUs`)
  const starts: number[] = []
  let h: Headless | null = null
  const farm = await RemoteFarm.start({ servers: 4, speeds: [], timing: { stepMs: 0, nodeMs: 0, loadMs: 0 } })
  try {
    for (let i = 0; i < STARTS; i++) {
      if (h) await h.app.stop()
      h = await startHeadless()
      starts.push(h.readyMs)
      console.log(`  cold start ${i + 1}: ${round(h.readyMs)} ms`)
    }
    const running = h!
    const pid = running.app.pid
    const client = new ComfyFleetClient({ url: running.app.origin, dataDir: running.dataDir })
    await registerServers(client, farm.servers(), 2)
    const kids = children(pid)
    if (kids.worker === null) throw new Error('no worker process found under the headless process')
    const samples: Sample[] = []
    const t0 = performance.now()
    const submitted = await client.submit(txt2img({ steps: 1, prefix: 'mem' }), { count: RUNS })
    const batchId = submitted.batch_ids[0]
    if (!batchId) throw new Error(`count ${RUNS} did not start a batch: ${JSON.stringify(submitted)}`)
    let done = 0
    while (done < RUNS) {
      await sleep(SAMPLE_MS)
      const b = (await client.batches()).find((x) => x.id === batchId)
      // A finished batch leaves the live list: then its runs in the history say how it ended.
      done = b ? b.completed + b.failed + b.cancelled : await finishedInHistory(client, batchId)
      const worker = children(pid).worker ?? kids.worker
      samples.push({
        t: round((performance.now() - t0) / 1000),
        main: round(rssMb(pid) ?? 0, 1),
        worker: round(rssMb(worker) ?? 0, 1),
        temporal: round(rssMb(kids.temporal ?? -1) ?? 0, 1),
        done,
      })
      if (samples.length % 20 === 0)
        console.log(
          `  ${samples.at(-1)!.t} s: ${done}/${RUNS} done, main ${samples.at(-1)!.main} MB, worker ${samples.at(-1)!.worker} MB`
        )
      if (performance.now() - t0 > 600_000) throw new Error(`batch not finished after 600 s (${done}/${RUNS})`)
    }
    const batchS = (performance.now() - t0) / 1000
    const total = samples.map((s) => s.main + s.worker)
    const n = total.length
    const warm = total.slice(Math.floor(n * 0.2), Math.max(Math.floor(n * 0.2) + 1, Math.floor(n * 0.4)))
    const end = total.slice(Math.floor(n * 0.8))
    const peak = Math.max(...total)
    const growth = Math.max(...end) / Math.max(...warm)
    const summary = {
      coldStartMedianMs: round(median(starts)),
      coldStartsMs: starts.map((s) => round(s)),
      batchRuns: RUNS,
      batchS: round(batchS, 1),
      peakMainMb: round(Math.max(...samples.map((s) => s.main)), 1),
      peakWorkerMb: round(Math.max(...samples.map((s) => s.worker)), 1),
      peakMainPlusWorkerMb: round(peak, 1),
      peakTemporalMb: round(Math.max(...samples.map((s) => s.temporal)), 1),
      endOverWarmup: round(growth, 3),
    }
    console.table([summary])
    const targets = [
      target('cold start to ready (median)', summary.coldStartMedianMs / 1000, 3, 's', 'max'),
      target('peak RSS main + worker', peak, 400, 'MB', 'max'),
      target('RSS end / warm-up (flat)', growth, 1.1, '×', 'max'),
    ]
    printTargets('start-memory', targets)
    writeResult('start-memory', { ...summary, samples, targets })
  } finally {
    if (h) await h.app.stop()
    await farm.stop()
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  }
)
