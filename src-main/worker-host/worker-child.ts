import { fork } from 'node:child_process'
import type { MainToWorker } from '../../src-shared/contract'
import { WORKER_EXEC_ARGV, memoryEnv } from '../process/memory-flags'

/**
 * A running worker process, whatever started it: child_process.fork under Node (headless, tests)
 * or Electron's utilityProcess in the desktop app. The supervisor only needs these few calls.
 */
export interface WorkerChild {
  readonly pid: number | null
  send(message: MainToWorker): void
  onMessage(listener: (message: unknown) => void): void
  onExit(listener: (code: number | null, signal: string | null) => void): void
  kill(signal?: NodeJS.Signals): void
  readonly stdout: NodeJS.ReadableStream | null
  readonly stderr: NodeJS.ReadableStream | null
}

export type WorkerForker = (entry: string, args: string[]) => WorkerChild

/** Node's fork; 'advanced' serialization so Buffers (previews) cross without base64. */
export const nodeForker: WorkerForker = (entry, args) => {
  // A copy of env: handing process.env itself to a child lets Electron's ELECTRON_RUN_AS_NODE
  // leak back into the parent (electron#18412).
  const child = fork(entry, args, {
    env: memoryEnv(process.env),
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    execArgv: [...WORKER_EXEC_ARGV, ...(entry.endsWith('.ts') ? ['--import', 'tsx'] : [])],
  })
  child.on('error', () => undefined)
  return {
    get pid() {
      return child.pid ?? null
    },
    send: (m) => {
      // A child that is exiting closes its channel: the message is moot, never an uncaught EPIPE.
      if (child.connected) child.send(m, (error) => void error)
    },
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.once('exit', (code, signal) => l(code, signal)),
    kill: (s = 'SIGTERM') => child.kill(s),
    stdout: child.stdout,
    stderr: child.stderr,
  }
}
