#!/usr/bin/env node
/**
 * `npm run bench`: every benchmark in sequence (each prints its table and writes bench/results/<name>.json),
 * then one summary of every target, PASS or MISS. Needs `npm run build` first (the benches run the built
 * worker and workflow bundle). `--quick` runs fewer iterations (a smoke check, not the published figures).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** name: result file and script; args: full and quick; budget: minutes before it is stopped. */
const BENCHES = [
  { name: 'overhead', args: [], quickArgs: ['--runs', '30'], budget: 7 },
  { name: 'makespan', args: [], quickArgs: ['--runs', '60'], budget: 5 },
  { name: 'throughput', args: [], quickArgs: ['--runs', '100'], budget: 3 },
  { name: 'history-scale', args: [], quickArgs: ['--runs', '20000'], budget: 3 },
  { name: 'start-memory', args: [], quickArgs: ['--runs', '200', '--starts', '1'], budget: 10 },
  { name: 'sim-throughput', args: [], quickArgs: [], budget: 2 },
  // The run counts, durations × 0.25 (≈30 min); `npx tsx bench/scheduling.ts --full` is real durations.
  { name: 'scheduling', args: [], quickArgs: ['--count-scale', '0.1'], budget: 55 },
  { name: 'ui-scale', args: [], quickArgs: ['--runs', '500', '--switches', '5', '--seconds', '2'], budget: 5 },
]

const { quick, only } = benchSelection(process.argv.slice(2))

/**
 * `--quick` and `--only=a,b`, strictly: a misspelled flag or bench name would otherwise run every bench
 * (about half an hour) or none, and still print a summary. Exits 2 naming what is wrong.
 */
function benchSelection(argv) {
  let values
  try {
    values = parseArgs({
      args: argv,
      options: { quick: { type: 'boolean' }, only: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (e) {
    console.error(`bench: ${e.message}`)
    process.exit(2)
  }
  const only = values.only?.split(',').map((n) => n.trim())
  const unknown = (only ?? []).filter((n) => !BENCHES.some((b) => b.name === n))
  if (unknown.length > 0) {
    console.error(
      `bench: unknown bench ${unknown.join(', ')} in --only (known: ${BENCHES.map((b) => b.name).join(', ')})`
    )
    process.exit(2)
  }
  return { quick: values.quick === true, only }
}

for (const f of ['out/main/worker.js', 'out/renderer/index.html', 'resources/workflow-bundle.js']) {
  if (!existsSync(join(root, f))) {
    console.error(`${f} is missing: run \`npm run build\` first`)
    process.exit(2)
  }
}

// A fresh clone has no bench/results/ (only JSON and charts go there): the summary must still be written.
mkdirSync(join(root, 'bench', 'results'), { recursive: true })
const started = Date.now()
const summary = []
for (const b of BENCHES) {
  if (only && !only.includes(b.name)) continue
  const script = join(root, 'bench', `${b.name}.ts`)
  if (!existsSync(script)) {
    summary.push({ bench: b.name, target: '(bench missing)', value: '', result: 'MISS' })
    continue
  }
  const resultFile = join(root, 'bench', 'results', `${b.name}.json`)
  // A stale file must not pass for this run's figures.
  rmSync(resultFile, { force: true })
  console.log(`\n━━━ ${b.name} ━━━`)
  const t0 = Date.now()
  const run = await runBench(script, quick ? b.quickArgs : b.args, b.budget * 60_000)
  const seconds = Math.round((Date.now() - t0) / 1000)
  const why = run.timedOut ? `stopped after ${b.budget} min` : run.code !== 0 ? `exit code ${run.code}` : null
  if (why || !existsSync(resultFile)) {
    summary.push({
      bench: b.name,
      target: `did not finish (${why ?? 'no result file'})`,
      value: `${seconds} s`,
      result: 'MISS',
    })
    continue
  }
  for (const t of targetsOf(JSON.parse(readFileSync(resultFile, 'utf8')))) summary.push({ bench: b.name, ...t })
  console.log(`(${b.name}: ${seconds} s)`)
}

/**
 * One bench in its own process group, so a bench stopped at its time budget takes its Temporal dev
 * server, worker and simulators with it.
 */
function runBench(script, args, budgetMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      stdio: 'inherit',
      detached: true,
    })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      process.kill(-child.pid, 'SIGTERM')
      setTimeout(() => process.kill(-child.pid, 'SIGKILL'), 10_000).unref()
    }, budgetMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      // Whatever the bench left behind in its group (e.g. after a crash) goes too.
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        /* the group is already gone */
      }
      resolve({ code, timedOut })
    })
  })
}

/** Our benches write `targets`; history-scale writes `stats` with targetMs; sim-throughput `scenarios`. */
function targetsOf(doc) {
  if (Array.isArray(doc.targets)) {
    return doc.targets.map((t) => ({
      target: `${t.name} ${t.kind === 'max' ? '≤' : '≥'} ${t.target} ${t.unit}`,
      value: `${Math.round(t.value * 1000) / 1000} ${t.unit}`,
      result: t.pass ? 'PASS' : 'MISS',
    }))
  }
  if (Array.isArray(doc.stats)) {
    return doc.stats
      .filter((s) => s.targetMs !== undefined)
      .map((s) => ({
        target: `${s.name} ≤ ${s.targetMs} ms`,
        value: `median ${Math.round(s.medianMs * 100) / 100} ms, p95 ${Math.round(s.p95Ms * 100) / 100} ms`,
        result: s.pass ? 'PASS' : 'MISS',
      }))
  }
  if (Array.isArray(doc.scenarios) && typeof doc.pass === 'boolean') {
    return doc.scenarios.map((s) => ({
      target: `${s.name ?? s.scenario ?? 'scenario'} ≥ ${doc.target}/s per CPU-second`,
      value: `${s.perCpuSecond}/s per CPU-s (${s.perSecond}/s wall)`,
      result: s.ok ? 'PASS' : 'MISS',
    }))
  }
  return [{ target: '(no targets in the result file)', value: '', result: 'MISS' }]
}

const minutes = Math.round((Date.now() - started) / 6000) / 10
console.log(
  `\n━━━ summary (${minutes} min, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${cpus().length} cores) ━━━`
)
console.table(summary)
const missed = summary.filter((s) => s.result !== 'PASS').length
console.log(missed === 0 ? 'All targets met.' : `${missed} of ${summary.length} targets MISSED.`)
writeFileSync(
  join(root, 'bench', 'results', 'summary.json'),
  `${JSON.stringify({ date: new Date().toISOString(), minutes, quick, loadavg: loadavg(), summary }, null, 2)}\n`
)
