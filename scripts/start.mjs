#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is present; otherwise (as on machines that
// cannot download it) one line saying so, then the same app headless in this terminal.
// `npm run serve` (`--headless`, or COMFYFLEET_HEADLESS=1): headless whatever is installed.
// Headless main starts with the heap flags of src-main/process/memory-flags.json (why: memory-flags.ts).
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const headlessAsked = process.argv.includes('--headless') || Boolean(process.env.COMFYFLEET_HEADLESS)
const passArgs = process.argv.slice(2).filter((a) => a !== '--headless')
const memory = JSON.parse(readFileSync(join(root, 'src-main', 'process', 'memory-flags.json'), 'utf8'))

/** Electron's npm package fetches its binary lazily on first require; look without requiring it. */
function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron')
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile)) return null
  const bin = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(bin) ? bin : null
}

function run(cmd, args, env = process.env) {
  const child = spawn(cmd, args, { stdio: 'inherit', cwd: root, env })
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)))
}

if (!existsSync(join(root, 'out', 'main', 'headless.js'))) {
  console.error('ComfyFleet is not built yet: run `npm install` (or `npm run build`) first.')
  process.exit(1)
}

const electron = headlessAsked ? null : electronBinary()
if (electron) {
  run(electron, [root, ...passArgs])
} else {
  if (!headlessAsked)
    console.log(
      "Electron's binary is not available on this machine (it is downloaded on first use, which failed or was skipped); starting ComfyFleet headless instead."
    )
  const env = { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? memory.mallocArenaMax }
  run(process.execPath, [...memory.main, join(root, 'out', 'main', 'headless.js'), ...passArgs], env)
}
