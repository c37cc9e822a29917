import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ObjectInfo } from '../../src-shared/contract/intake'

/**
 * Each server's full /object_info (input order, widget types, display names), which UI→API
 * conversion and node titles need beyond the routing capabilities. The health monitor hands over
 * what it read (no second download of a multi-megabyte document); a copy on disk keeps conversion
 * working after a restart with the servers offline. Servers that answer the same document (one install
 * on several GPUs) share one object, read-only: main holds it once, and intake checks it once per run.
 */
export class ObjectInfoCache {
  private readonly memory = new Map<string, ObjectInfo>()
  /** Server id → sha256 of its /object_info document, when known (the health monitor's hash). */
  private readonly hashes = new Map<string, string>()

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true })
  }

  get(serverId: string): ObjectInfo | null {
    const hit = this.memory.get(serverId)
    if (hit) return hit
    const file = this.file(serverId)
    if (!existsSync(file)) return null
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { info: ObjectInfo; sha256?: string }
      return this.keep(serverId, saved.info, saved.sha256)
    } catch {
      return null
    }
  }

  /** `sha256`: the document's hash, so a server answering the same document shares one object. */
  put(serverId: string, info: ObjectInfo, fetchedAt: number, sha256?: string): void {
    this.keep(serverId, info, sha256)
    writeFileSync(this.file(serverId), JSON.stringify({ info, fetchedAt, ...(sha256 ? { sha256 } : {}) }))
  }

  forget(id: string): void {
    this.memory.delete(id)
    this.hashes.delete(id)
    rmSync(this.file(id), { force: true })
  }

  private keep(serverId: string, info: ObjectInfo, sha256: string | undefined): ObjectInfo {
    this.hashes.delete(serverId)
    const kept = (sha256 === undefined ? undefined : this.withHash(sha256)) ?? byNodeName(info)
    this.memory.set(serverId, kept)
    if (sha256 !== undefined) this.hashes.set(serverId, sha256)
    return kept
  }

  /** The object another server's identical document is held in, if one is. */
  private withHash(sha256: string): ObjectInfo | undefined {
    for (const [id, hash] of this.hashes) if (hash === sha256) return this.memory.get(id)
    return undefined
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
