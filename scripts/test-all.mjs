#!/usr/bin/env node
// `npm test`: every layer of the suite, each reported on its own line at the end. A failing layer
// does not hide the ones after it (a newcomer sees every broken layer in one run); only layers that
// need the build are skipped when the build itself failed. The last line is the plain
// "N passed, N failed" count of the test runners, and the exit code is non-zero if any layer failed.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const reports = join(root, 'test-results', 'counts')

/** @typedef {{ name: string, cmd: string, args: string[], needsBuild?: boolean, env?: Record<string,string>, count?: () => {passed:number, failed:number} | undefined }} Step */

const vitestStep = (project) => ({
  name: project,
  cmd: 'npx',
  args: [
    'vitest',
    'run',
    '--project',
    project,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${join(reports, `${project}.json`)}`,
  ],
  needsBuild: true,
  count: () => {
    const r = readJson(join(reports, `${project}.json`))
    return r && { passed: r.numPassedTests ?? 0, failed: (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0) }
  },
})

/** @type {Step[]} */
const steps = [
  { name: 'typecheck', cmd: 'npm', args: ['run', '-s', 'typecheck'] },
  { name: 'lint', cmd: 'npm', args: ['run', '-s', 'lint'] },
  { name: 'format', cmd: 'npm', args: ['run', '-s', 'format:check'] },
  { name: 'build', cmd: 'npm', args: ['run', '-s', 'build'] },
  vitestStep('unit'),
  vitestStep('integration'),
  {
    name: 'e2e',
    cmd: 'npx',
    args: ['playwright', 'test', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: join(reports, 'e2e.json') },
    needsBuild: true,
    count: () => {
      const s = readJson(join(reports, 'e2e.json'))?.stats
      return s && { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0 }
    },
  },
]

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    return undefined
  }
}

function main() {
  // COMFYFLEET_TEST_STEPS=unit,e2e runs a subset (names as printed).
  const only = process.env.COMFYFLEET_TEST_STEPS?.split(',').map((s) => s.trim())
  rmSync(reports, { recursive: true, force: true })
  mkdirSync(reports, { recursive: true })
  const lines = []
  let failedLayers = 0
  let buildFailed = false
  const totals = { passed: 0, failed: 0 }
  // The test layers' temp folders (data dirs, simulator outputs, Temporal databases, browser profiles: a few
  // hundred folders and ≈200 MB a run) go under one folder removed at the end, not left in the system's.
  const scratch = mkdtempSync(join(tmpdir(), 'comfyfleet-test-'))
  // Temporal's test databases go to tmpfs, which is memory (test/integration/engine/helpers.ts).
  const shm = existsSync('/dev/shm') ? mkdtempSync(join('/dev/shm', 'comfyfleet-test-')) : null
  const scratchEnv = { TMPDIR: scratch, ...(shm ? { COMFYFLEET_TEST_SHM: shm } : {}) }
  for (const step of steps) {
    if (only && !only.includes(step.name)) continue
    if (step.needsBuild && buildFailed) {
      lines.push(`${step.name.padEnd(11)} SKIPPED (the build failed)`)
      failedLayers++
      continue
    }
    const started = Date.now()
    console.log(`\n=== ${step.name}: ${step.cmd} ${step.args.join(' ')}`)
    const r = spawnSync(step.cmd, step.args, {
      stdio: 'inherit',
      cwd: root,
      env: {
        ...process.env,
        FORCE_COLOR: '0',
        NO_COLOR: '1',
        ...(step.needsBuild ? scratchEnv : {}),
        ...step.env,
      },
    })
    const seconds = ((Date.now() - started) / 1000).toFixed(0)
    const ok = r.status === 0
    if (!ok) failedLayers++
    if (!ok && step.name === 'build') buildFailed = true
    const counted = step.count?.()
    if (counted) {
      totals.passed += counted.passed
      totals.failed += counted.failed
    }
    const detail = counted ? `, ${counted.passed} passed, ${counted.failed} failed` : ''
    lines.push(`${step.name.padEnd(11)} ${ok ? 'ok    ' : 'FAILED'} (${seconds} s${detail})`)
  }
  // COMFYFLEET_KEEP_TEST_TMP=1 keeps them, to look at a failed run's data.
  const kept = [scratch, shm].filter((d) => d !== null)
  if (process.env.COMFYFLEET_KEEP_TEST_TMP === '1') console.log(`\ntest temp folders kept in ${kept.join(', ')}`)
  else for (const dir of kept) rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
  console.log(`\n=== npm test: each layer`)
  for (const line of lines) console.log(`  ${line}`)
  // A layer that failed without a test failing (typecheck, lint, a crashed runner) still counts.
  const failed = Math.max(totals.failed, failedLayers > 0 && totals.failed === 0 ? failedLayers : 0)
  console.log(`\ntests: ${totals.passed} passed, ${failed} failed`)
  process.exit(failedLayers > 0 ? 1 : 0)
}

main()
