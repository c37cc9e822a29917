import { join } from 'node:path'
import type { CacheDatabase } from '../cache/db'
import { err } from '../../src-shared/contract/result'
import { Fleet, type FleetOptions } from '../fleet'
import type { FleetService } from './fleet-service'
import { ObjectInfoCache } from './object-info-cache'
import type { ObjectInfo } from '../../src-shared/contract/intake'

export interface FleetAdapterOptions {
  db: CacheDatabase
  dataDir: string
  defaultSlots: () => number
  /** Test hook: faster health checks. */
  monitor?: FleetOptions['monitor']
}

/** The fleet module (registry + health) with each server's full /object_info kept beside it. */
export function createFleetService(o: FleetAdapterOptions): FleetService & { fleet: Fleet } {
  const infos = new ObjectInfoCache(join(o.dataDir, 'object-info'))
  const fleet = new Fleet(o.db, {
    defaultSlots: o.defaultSlots,
    monitor: { ...o.monitor, onObjectInfo: (id, info, at) => infos.put(id, info as ObjectInfo, at) },
    // Removing a server under running prompts would orphan them on its GPU: finish or move them first.
    beforeRemove: (server, runIds) =>
      err(
        'servers/busy',
        `${server.name} has ${runIds.length} run(s) on it (${runIds.join(', ')}): drain it (it finishes them and takes no new ones) or cancel them, then remove it.`,
        { runIds }
      ),
  })
  return {
    fleet,
    list: () => fleet.list(),
    objectInfo: (id) => infos.get(id),
    add: (input) => Promise.resolve(fleet.add(input)),
    update: (id, patch) => Promise.resolve(fleet.update(id, patch)),
    remove: async (id) => {
      const r = await fleet.remove(id)
      if (r.ok) infos.forget(id)
      return r
    },
    test: (address) => fleet.testConnection(address),
    workerServers: () => fleet.workerServers(),
    setSlotUsage: (usage) => fleet.setSlotUsage(usage),
    onChange: (l) => fleet.onChange(l),
    start: () => fleet.start(),
    stop: () => {
      fleet.stop()
      return Promise.resolve()
    },
  }
}
