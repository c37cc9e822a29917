import { utilityProcess } from 'electron'
import type { WorkerForker } from '../worker-host/worker-child'
import { WORKER_EXEC_ARGV, memoryEnv } from '../process/memory-flags'

/**
 * Starts the worker as an Electron utility process: Electron's recommended home for long-running
 * Node work (it keeps working when the RunAsNode fuse is off, unlike child_process.fork).
 */
export const utilityForker: WorkerForker = (entry, args) => {
  const child = utilityProcess.fork(entry, args, {
    serviceName: 'ComfyFleet worker',
    stdio: 'pipe',
    env: memoryEnv(process.env),
    execArgv: [...WORKER_EXEC_ARGV],
  })
  return {
    get pid() {
      return child.pid ?? null
    },
    send: (m) => child.postMessage(m),
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.once('exit', (code) => l(code, null)),
    // utilityProcess.kill() only ever sends SIGTERM: the supervisor's SIGKILL for a worker that ignored it
    // (or a crash simulated with SIGKILL) must be sent as asked.
    kill: (signal = 'SIGTERM') => {
      if (signal === 'SIGTERM' || child.pid === undefined) return void child.kill()
      try {
        process.kill(child.pid, signal)
      } catch {
        // Already gone (ESRCH): nothing left to kill.
      }
    },
    stdout: child.stdout,
    stderr: child.stderr,
  }
}
