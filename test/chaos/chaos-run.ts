/**
 * The chaos experiment, shared by the full suite (test/chaos) and the reduced one in `npm test`
 * (test/integration/chaos-lite): ComfyFleet (the real AppCore: embedded Temporal dev server, supervised
 * worker process, API) runs N txt2img runs over 4 simulated GPUs (speeds 1, 1, 0.5, 2) while a driver, at
 * F moments drawn from a seeded PRNG, kill -9s the worker, restarts the Temporal dev server (same db file),
 * crashes a simulator server and restarts it (queue and history lost), drops its WebSockets, makes it
 * slow for a few seconds (every answer 4 s late, or only GET /queue 8 s late: busy, not dead), makes
 * it hostile for a few seconds (GET /history/{id} answers success for ANY id, with an image it never
 * made), or has it send a burst of malformed frames (no process may crash on them).
 * It returns what it saw; the tests assert on it.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import type { RunSummary } from '../../sdk'
import { SimServer } from '../../sim'
import { registerServers, sleep, startFleet, type FleetHandle } from '../../bench/lib/fleet-core'
import { Prng } from '../../bench/lib/prng'
import { txt2img } from '../../bench/lib/prompts'
import { FarmWatch, type Completion } from './farm-watch'

export type FaultKind =
  'worker-kill' | 'temporal-restart' | 'sim-crash' | 'drop-ws' | 'slow-server' | 'spoof-history' | 'hostile-frames'

export interface ChaosOptions {
  runs: number
  faults: number
  seed: number
  /** Faults fall in [1 s, windowMs] after the runs are submitted. */
  windowMs: number
  /** Longest wait for every run to finish after the last fault. */
  settleMs: number
  stepMs?: number
  log?: (line: string) => void
}

export interface ChaosReport {
  seed: number
  faults: Array<{ atMs: number; kind: FaultKind; target: string }>
  runIds: string[]
  statuses: Record<string, number>
  notFinished: Array<{ id: string; status: string }>
  failed: RunSummary[]
  duplicates: Completion[][]
  excusedRepeats: Completion[][]
  promptsCompleted: number
  queuesLeft: Array<{ server: string; queueLength: number; running: string | null }>
  completedWithoutOutputs: string[]
  /** Outputs a hostile server made up (it never ran the prompt): a hijacked run. */
  spoofedOutputs: string[]
  badCacheFiles: string[]
  cacheFiles: number
  missingImages: string[]
  workerRestarts: number
  /** Worker crashes (uncaught exceptions it reported before dying): none is ever expected. */
  workerFatals: string[]
  temporalRestarts: number
  logTail: string
  durationMs: number
}

const SPEEDS = [1, 1, 0.5, 2]
const KINDS: FaultKind[] = [
  'worker-kill',
  'temporal-restart',
  'sim-crash',
  'drop-ws',
  'slow-server',
  'spoof-history',
  'hostile-frames',
]
/** How long a slow or hostile spell lasts. */
const SPELL_MS: [number, number] = [2_000, 8_000]
const FINAL = new Set(['completed', 'failed', 'cancelled'])

/** The chaos seed: $CHAOS_SEED to replay one, else a fresh one (printed by the caller). */
export function chaosSeed(): number {
  const fromEnv = Number(process.env.CHAOS_SEED)
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.floor(Math.random() * 2 ** 31) + 1
}

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const log = o.log ?? ((l: string) => console.log(l))
  const prng = new Prng(o.seed)
  const stepMs = o.stepMs ?? 30
  const sims = SPEEDS.map(
    (speed, i) => new SimServer({ name: `gpu-${i}`, speed, timing: { stepMs, nodeMs: 2, loadMs: 20 } })
  )
  await Promise.all(sims.map((s) => s.start()))
  let fleet: FleetHandle | null = null
  const watch = new FarmWatch(sims)
  const t0 = Date.now()
  try {
    fleet = await startFleet()
    await registerServers(
      fleet.client,
      sims.map((s) => ({ name: s.name, url: s.url })),
      2
    )
    const runIds: string[] = []
    for (let i = 0; i < o.runs; i++) {
      const steps = prng.int(5, 20)
      const r = await fleet.client.submit(txt2img({ steps, seed: o.seed * 1000 + i, prefix: `chaos-${i}` }))
      runIds.push(...r.run_ids)
    }
    log(`chaos: ${runIds.length} runs submitted; ${o.faults} faults over ${o.windowMs / 1000} s (seed ${o.seed})`)
    const faults = await drive(fleet, sims, watch, prng, o, log)
    const notFinished = await settle(fleet, runIds, o.settleMs)
    // A crashed server restarts empty; anything still queued anywhere after the runs ended is a leak.
    const queuesLeft = await drained(sims, notFinished.length === 0 ? 15_000 : 0)
    watch.stop()
    const summaries = runIds.map((id) => fleet!.core.cache.runs.getSummary(id)).filter((s): s is RunSummary => !!s)
    const statuses: Record<string, number> = {}
    for (const s of summaries) statuses[s.status] = (statuses[s.status] ?? 0) + 1
    const { duplicates, excused } = watch.repeats()
    const cache = checkCacheFiles(join(fleet.dataDir, 'images'))
    const missingImages = summaries
      .filter((s) => s.status === 'completed')
      .flatMap((s) => fleet!.core.cache.runs.outputsOf(s.id))
      .filter((out) => fleet!.core.cache.findImage(out.hash) === null)
      .map((out) => out.hash)
    return {
      seed: o.seed,
      faults,
      runIds,
      statuses,
      notFinished,
      failed: summaries.filter((s) => s.status === 'failed'),
      duplicates,
      excusedRepeats: excused,
      promptsCompleted: new Set(watch.completions.map((c) => c.promptId)).size,
      queuesLeft,
      completedWithoutOutputs: summaries.filter((s) => s.status === 'completed' && s.outputsCount < 1).map((s) => s.id),
      spoofedOutputs: summaries
        .flatMap((s) => fleet!.core.cache.runs.outputsOf(s.id).map((out) => ({ id: s.id, out })))
        .filter(({ out }) => out.filename.startsWith('SPOOF_'))
        .map(({ id, out }) => `${id}: ${out.filename}`),
      badCacheFiles: cache.bad,
      cacheFiles: cache.files,
      missingImages,
      workerRestarts: fleet.core.worker.restarts,
      workerFatals: fatals(fleet.dataDir),
      temporalRestarts: fleet.core.temporal.devServer?.restarts ?? 0,
      logTail: logTail(fleet.dataDir),
      durationMs: Date.now() - t0,
    }
  } finally {
    watch.stop()
    await fleet?.stop().catch((e: Error) => log(`stopping ComfyFleet: ${e.message}`))
    await Promise.all(sims.map((s) => s.stop()))
  }
}

/** Applies the faults at their moments; a crashed server comes back 0.3–3 s later. */
async function drive(
  fleet: FleetHandle,
  sims: SimServer[],
  watch: FarmWatch,
  prng: Prng,
  o: ChaosOptions,
  log: (l: string) => void
): Promise<ChaosReport['faults']> {
  const moments = Array.from({ length: o.faults }, () => prng.int(1000, o.windowMs)).sort((a, b) => a - b)
  // Every kind of fault, equally often, in a seeded random order.
  const kinds = moments.map((_, i) => KINDS[i % KINDS.length]!)
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = prng.int(0, i)
    ;[kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!]
  }
  const plan = moments.map((atMs, i) => ({
    atMs,
    kind: kinds[i]!,
    sim: prng.pick(sims),
    downMs: prng.int(300, 3000),
    spellMs: prng.int(...SPELL_MS),
    slowQueueOnly: prng.int(0, 1) === 1,
  }))
  const down = new Set<SimServer>()
  const restarts: Promise<void>[] = []
  const spells: Promise<void>[] = []
  const done: ChaosReport['faults'] = []
  const start = Date.now()
  for (const f of plan) {
    await sleep(Math.max(0, start + f.atMs - Date.now()))
    let target: string = f.sim.name
    if (f.kind === 'worker-kill') {
      target = `worker pid ${fleet.core.worker.pid ?? 'none (restarting)'}`
      fleet.core.worker.kill('SIGKILL')
    } else if (f.kind === 'temporal-restart') {
      target = 'temporal dev server'
      fleet.core.temporal.devServer?.kill('SIGTERM')
    } else if (f.kind === 'sim-crash') {
      if (down.has(f.sim)) {
        target = `${f.sim.name} (already down)`
      } else {
        down.add(f.sim)
        watch.crashed(f.sim.name)
        await f.sim.crash()
        restarts.push(
          sleep(f.downMs).then(async () => {
            await f.sim.restart()
            down.delete(f.sim)
          })
        )
        target = `${f.sim.name} for ${f.downMs} ms`
      }
    } else if (f.kind === 'slow-server') {
      // Busy, not dead: nothing may move off it or run twice because of this.
      const fault = f.slowQueueOnly ? { slowQueueMs: 8_000 } : { slowMs: 4_000 }
      f.sim.setFaults(fault)
      spells.push(sleep(f.spellMs).then(() => f.sim.setFaults(f.slowQueueOnly ? { slowQueueMs: 0 } : { slowMs: 0 })))
      target = `${f.sim.name} ${f.slowQueueOnly ? 'GET /queue 8 s' : 'every answer 4 s'} for ${f.spellMs} ms`
    } else if (f.kind === 'spoof-history') {
      f.sim.setFaults({ spoofHistory: true })
      spells.push(sleep(f.spellMs).then(() => f.sim.setFaults({ spoofHistory: false })))
      target = `${f.sim.name} answers success for any prompt id for ${f.spellMs} ms`
    } else if (f.kind === 'hostile-frames') {
      // Frames carry the running prompt's id, so a server with a prompt running is the one that tests the fold;
      // with none running, every server sends them (to the worker's idle sockets).
      const up = sims.filter((s) => !down.has(s))
      const busy = up.find((s) => s.stats().running !== null)
      for (const sim of busy ? [busy] : up) sim.sendHostileFrames()
      target = busy ? `${busy.name} (running ${busy.stats().running})` : 'every server (none running)'
    } else {
      f.sim.dropWebSockets()
    }
    log(`  +${String(Date.now() - start).padStart(6)} ms  ${f.kind.padEnd(16)} ${target}`)
    done.push({ atMs: Date.now() - start, kind: f.kind, target })
  }
  await Promise.all([...restarts, ...spells])
  return done
}

/** Waits for every run to reach a final state in the cache; returns those that did not. */
async function settle(
  fleet: FleetHandle,
  ids: string[],
  timeoutMs: number
): Promise<Array<{ id: string; status: string }>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const open = ids
      .map((id) => ({ id, status: fleet.core.cache.runs.getSummary(id)?.status ?? 'not in the cache' }))
      .filter((s) => !FINAL.has(s.status))
    if (open.length === 0 || Date.now() > deadline) return open
    await sleep(500)
  }
}

async function drained(sims: SimServer[], graceMs: number): Promise<ChaosReport['queuesLeft']> {
  const deadline = Date.now() + graceMs
  for (;;) {
    const left = sims
      .map((s) => ({ server: s.name, queueLength: s.stats().queueLength, running: s.stats().running }))
      .filter((q) => q.queueLength > 0 || q.running !== null)
    if (left.length === 0 || Date.now() > deadline) return left
    await sleep(250)
  }
}

/** Every file in the content-addressed store must hash to its name. */
function checkCacheFiles(dir: string): { files: number; bad: string[] } {
  const bad: string[] = []
  let files = 0
  const walk = (d: string): void => {
    let names: string[]
    try {
      names = readdirSync(d)
    } catch {
      return
    }
    for (const name of names) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (!name.includes('.tmp')) {
        files++
        const hash = createHash('sha256').update(readFileSync(p)).digest('hex')
        if (hash !== basename(name, extname(name))) bad.push(p)
      }
    }
  }
  walk(dir)
  return { files, bad }
}

/** The worker's `[fatal]` lines (its uncaught exceptions); a kill -9 leaves none. */
function fatals(dataDir: string): string[] {
  try {
    return readFileSync(join(dataDir, 'logs', 'worker.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('[fatal]'))
  } catch {
    return []
  }
}

function logTail(dataDir: string): string {
  const tail = (f: string): string => {
    try {
      return readFileSync(join(dataDir, 'logs', f), 'utf8')
        .split('\n')
        .slice(-40)
        .join('\n')
    } catch {
      return `(no ${f})`
    }
  }
  return `--- worker.log ---\n${tail('worker.log')}\n--- temporal.log ---\n${tail('temporal.log')}`
}

/** One line per problem, empty when the run met every guarantee. */
export function problems(r: ChaosReport): string[] {
  const p: string[] = []
  if (r.notFinished.length > 0)
    p.push(
      `${r.notFinished.length} runs never finished: ${r.notFinished.map((s) => `${s.id} (${s.status})`).join(', ')}`
    )
  if (r.failed.length > 0)
    p.push(
      `${r.failed.length} runs failed, none on purpose: ${r.failed.map((s) => `${s.id}: ${s.error?.message ?? '?'}`).join('; ')}`
    )
  if (r.duplicates.length > 0)
    p.push(
      `prompts executed twice: ${r.duplicates.map((d) => d.map((c) => `${c.promptId}@${c.server}+${c.at}`).join(' / ')).join('; ')}`
    )
  if (r.queuesLeft.length > 0) p.push(`prompts left on servers: ${JSON.stringify(r.queuesLeft)}`)
  if (r.completedWithoutOutputs.length > 0) p.push(`completed without outputs: ${r.completedWithoutOutputs.join(', ')}`)
  if (r.spoofedOutputs.length > 0) p.push(`outputs made up by a hostile server: ${r.spoofedOutputs.join(', ')}`)
  if (r.badCacheFiles.length > 0) p.push(`cache files not matching their hash: ${r.badCacheFiles.join(', ')}`)
  if (r.missingImages.length > 0) p.push(`outputs missing from the cache: ${r.missingImages.join(', ')}`)
  if (r.workerFatals.length > 0) p.push(`the worker crashed: ${r.workerFatals.join(' | ')}`)
  return p
}
