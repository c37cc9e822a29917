import type { ServerLoad } from '../../src-worker/scheduler/placement'
import { workerServer } from './worker-server'

/** A usable, idle server of rate 1 (cost units per ms) with nothing loaded, as placement sees it. */
export function serverLoad(id: string, extra: Partial<ServerLoad> = {}): ServerLoad {
  return {
    server: workerServer(id),
    usable: true,
    remainingCost: 0,
    inUse: 0,
    rate: 1,
    loadedModels: new Set(),
    ...extra,
  }
}
