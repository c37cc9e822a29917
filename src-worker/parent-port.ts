/**
 * The worker's line to the main process, whichever way it was started: Electron's utilityProcess
 * (`process.parentPort`, messages arrive as `{ data }` events) or Node's child_process.fork
 * (`process.send` / `process.on('message')`). Null when started standalone.
 */
import type { WorkerToMain } from '../src-shared/contract/worker-protocol'

export interface ParentPort {
  send(message: WorkerToMain): void
  onMessage(listener: (message: unknown) => void): void
}

interface ElectronParentPort {
  postMessage(message: unknown): void
  on(event: 'message', listener: (event: { data: unknown }) => void): void
}

export function connectParentPort(): ParentPort | null {
  const electronPort = (process as NodeJS.Process & { parentPort?: ElectronParentPort }).parentPort
  if (electronPort !== undefined) {
    return {
      send: (message) => electronPort.postMessage(message),
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data)),
    }
  }
  if (typeof process.send === 'function') {
    return {
      send: (message) => {
        if (process.connected) process.send?.(message)
      },
      onMessage: (listener) => process.on('message', listener),
    }
  }
  return null
}
