/**
 * ComfyFleet started as a user starts it (`npm run serve`: out/main/headless.js with main's memory flags) on free ports, with the
 * one-time sign-in link it prints: the benches that drive the browser UI sign in through that link.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { headlessArgv, memoryEnv } from '../../src-main/process/memory-flags'
import { PROJECT_ROOT } from './fleet-core'

export interface HeadlessApp {
  /** The printed one-time sign-in link (sets the session cookie, then opens the UI). */
  loginUrl: string
  /** The app's origin, for `/api/bridge/<channel>` calls sharing the browser's session. */
  origin: string
  /** The headless (main) process, for benches that read its memory and its children from /proc. */
  pid: number
  stop(): Promise<void>
}

export async function startHeadlessApp(dataDir: string, readyTimeoutMs = 120_000): Promise<HeadlessApp> {
  // The UI is served from the build: without it the page would stay blank until the timeout.
  for (const f of ['out/main/headless.js', 'out/renderer/index.html']) {
    if (!existsSync(join(PROJECT_ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first`)
  }
  // Started as `npm run serve` starts it: with main's memory flags (src-main/process/memory-flags.ts).
  const proc = spawn(process.execPath, headlessArgv(PROJECT_ROOT, dataDir), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: memoryEnv(process.env),
  })
  const loginUrl = await readyLine(proc, readyTimeoutMs)
  return { loginUrl, origin: new URL(loginUrl).origin, pid: proc.pid!, stop: () => stopProcess(proc) }
}

/** Resolves with the sign-in link from the "ready" line; rejects with the app's output if it exits first. */
function readyLine(proc: ChildProcess, timeoutMs: number): Promise<string> {
  let out = ''
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`headless app not ready after ${timeoutMs} ms:\n${out}`)),
      timeoutMs
    )
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /ComfyFleet is ready: open (\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()))
    proc.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`headless app exited with ${code}:\n${out}`))
    })
  })
}

/** SIGTERM (the app stops its worker and embedded Temporal), SIGKILL if it hangs. */
async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return
  const exited = new Promise((r) => proc.once('exit', r))
  proc.kill('SIGTERM')
  const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000)
  await exited
  clearTimeout(timer)
}
