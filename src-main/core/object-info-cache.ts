import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ObjectInfo } from '../../src-shared/contract/intake'

/**
 * Each server's full /object_info (input order, widget types, display names), which UI→API
 * conversion and node titles need beyond the routing capabilities. The health monitor hands over
 * what it read (no second download of a multi-megabyte document); a copy on disk keeps conversion
 * working after a restart with the servers offline.
 */
export class ObjectInfoCache {
  private readonly memory = new Map<string, ObjectInfo>()

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true })
  }

  get(serverId: string): ObjectInfo | null {
    const hit = this.memory.get(serverId)
    if (hit) return hit
    const file = this.file(serverId)
    if (!existsSync(file)) return null
    try {
      const info = byNodeName((JSON.parse(readFileSync(file, 'utf8')) as { info: ObjectInfo }).info)
      this.memory.set(serverId, info)
      return info
    } catch {
      return null
    }
  }

  put(serverId: string, info: ObjectInfo, fetchedAt: number): void {
    this.memory.set(serverId, byNodeName(info))
    writeFileSync(this.file(serverId), JSON.stringify({ info, fetchedAt }))
  }

  forget(id: string): void {
    this.memory.delete(id)
    rmSync(this.file(id), { force: true })
  }

  private file(id: string): string {
    return join(this.dir, `${id.replace(/[^A-Za-z0-9_-]/g, '_')}.json`)
  }
}

/**
 * The same nodes in an object without a prototype. Every reader looks nodes up by a class_type the
 * user sent (`info[node.class_type]`); in a plain object "constructor" or "toString" finds
 * Object.prototype's members instead of "no such node", and code expecting a node definition
 * throws (a 500 instead of intake/unknown-node-types).
 */
function byNodeName(info: ObjectInfo): ObjectInfo {
  return Object.assign(Object.create(null) as ObjectInfo, info)
}
