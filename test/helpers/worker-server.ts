import type { WorkerServer } from '../../src-shared/contract/worker-protocol'

/** A usable server as the worker sees it (online, accepting, capabilities not read yet). */
export function workerServer(id: string, overrides: Partial<WorkerServer> = {}): WorkerServer {
  return {
    id,
    name: id,
    address: `http://127.0.0.1:1/${id}`,
    slots: 2,
    accepting: true,
    online: true,
    capabilities: null,
    vramFree: null,
    vramTotal: null,
    gpu: null,
    ...overrides,
  }
}
