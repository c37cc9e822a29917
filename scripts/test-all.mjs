#!/usr/bin/env node
// `npm test`: the whole suite, in the order that fails fastest. Each step prints its own
// summary; the last line here sums up which steps passed.
import { spawnSync } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const steps = [
  ['typecheck', 'npm', ['run', '-s', 'typecheck']],
  ['lint', 'npm', ['run', '-s', 'lint']],
  ['format', 'npm', ['run', '-s', 'format:check']],
  ['build', 'npm', ['run', '-s', 'build']],
  ['unit + integration', 'npx', ['vitest', 'run', '--project', 'unit', '--project', 'integration']],
  ['e2e (Chromium)', 'npx', ['playwright', 'test']],
]
const only = process.env.COMFYFLEET_TEST_STEPS?.split(',')
const results = []
for (const [name, cmd, args] of steps) {
  if (only && !only.includes(name.split(' ')[0])) continue
  const started = Date.now()
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`)
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env: { ...process.env, FORCE_COLOR: '0' } })
  const seconds = ((Date.now() - started) / 1000).toFixed(0)
  results.push(`${name} ${r.status === 0 ? 'ok' : 'FAILED'} (${seconds} s)`)
  if (r.status !== 0) {
    console.log(`\n=== npm test: ${results.join(', ')}`)
    process.exit(r.status ?? 1)
  }
}
console.log(`\n=== npm test: ${results.join(', ')}`)
