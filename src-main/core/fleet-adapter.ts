import { join } from 'node:path'
import type { CacheDatabase } from '../cache/db'
import { err, ok, type Result } from '../../src-shared/contract/result'
import type { ServerConfig } from '../../src-shared/contract/servers'
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
  /** Asks the engine to move the runs off a server; `remaining` lists those it could not move in time. */
  evacuate: (serverId: string) => Promise<{ moved: string[]; remaining: string[] }>
}

/**
 * Drains the server (so it takes nothing new even if the move fails half-way), then asks the engine to
 * move its runs. The server is removed only once none is left on it.
 */
async function evacuate(
  fleet: Fleet,
  o: FleetAdapterOptions,
  server: ServerConfig,
  runIds: string[]
): Promise<Result<string[]>> {
  if (!server.draining) fleet.setDraining(server.id, true)
  let answer
  try {
    answer = await o.evacuate(server.id)
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    return err(
      'servers/busy',
      `${server.name} has ${runIds.length} run(s) on it (${runIds.join(', ')}) and they could not be moved (${why}). It is now draining: remove it again once they finish, or cancel them.`,
      { runIds }
    )
  }
  if (answer.remaining.length > 0) {
    return err(
      'servers/busy',
      `${server.name} still has ${answer.remaining.length} run(s) that could not be moved yet (${answer.remaining.join(', ')}). It is now draining: remove it again in a moment.`,
      { runIds: answer.remaining }
    )
  }
  return ok(answer.moved)
}

/** The fleet module (registry + health) with each server's full /object_info kept beside it. */
export function createFleetService(o: FleetAdapterOptions): FleetService & { fleet: Fleet } {
  const infos = new ObjectInfoCache(join(o.dataDir, 'object-info'))
  const fleet: Fleet = new Fleet(o.db, {
    defaultSlots: o.defaultSlots,
    monitor: { ...o.monitor, onObjectInfo: (id, info, at, sha) => infos.put(id, info as ObjectInfo, at, sha) },
    // Removing a server under running prompts would orphan them on its GPU: the engine moves them first.
    beforeRemove: (server, runIds): Promise<Result<string[]>> => evacuate(fleet, o, server, runIds),
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
    recheck: (id) => void fleet.monitor.checkNow(id),
    onChange: (l) => fleet.onChange(l),
    start: () => fleet.start(),
    stop: () => {
      fleet.stop()
      return Promise.resolve()
    },
  }
}
