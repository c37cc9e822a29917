import { utilityProcess } from 'electron'
import type { WorkerForker } from '../worker-host/worker-child'

/**
 * Starts the worker as an Electron utility process: Electron's recommended home for long-running
 * Node work (it keeps working when the RunAsNode fuse is off, unlike child_process.fork).
 */
export const utilityForker: WorkerForker = (entry, args) => {
  const child = utilityProcess.fork(entry, args, {
    serviceName: 'ComfyFleet worker',
    stdio: 'pipe',
    env: { ...process.env },
  })
  return {
    get pid() {
      return child.pid ?? null
    },
    send: (m) => child.postMessage(m),
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.once('exit', (code) => l(code, null)),
    kill: () => void child.kill(),
    stdout: child.stdout,
    stderr: child.stderr,
  }
}
