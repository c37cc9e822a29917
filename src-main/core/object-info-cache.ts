import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ObjectInfo } from '../../src-shared/contract/intake'
import type { ServerView } from '../../src-shared/contract/servers'

/**
 * Each server's full /object_info (input order, widget types, display names), which UI→API
 * conversion and node titles need beyond the routing capabilities. Refreshed when the fleet
 * reports new capabilities, kept on disk so conversion works after a restart with servers offline.
 */
export class ObjectInfoCache {
  private readonly memory = new Map<string, { info: ObjectInfo; fetchedAt: number }>()
  private readonly inFlight = new Set<string>()

  constructor(
    private readonly dir: string,
    private readonly log: (m: string) => void,
    private readonly timeoutMs = 20_000
  ) {
    mkdirSync(dir, { recursive: true })
  }

  get(serverId: string): ObjectInfo | null {
    const hit = this.memory.get(serverId)
    if (hit) return hit.info
    const file = this.file(serverId)
    if (!existsSync(file)) return null
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { info: ObjectInfo; fetchedAt: number }
      this.memory.set(serverId, stored)
      return stored.info
    } catch {
      return null
    }
  }

  /** Fetch again for servers whose capabilities are newer than our copy. */
  sync(servers: ServerView[], capabilitiesAt: (id: string) => number | null): void {
    const known = new Set(servers.map((s) => s.id))
    for (const id of [...this.memory.keys()]) if (!known.has(id)) this.forget(id)
    for (const s of servers) {
      const at = capabilitiesAt(s.id)
      if (at === null || this.inFlight.has(s.id)) continue
      this.get(s.id)
      if ((this.memory.get(s.id)?.fetchedAt ?? 0) >= at) continue
      void this.fetch(s.id, s.address, at)
    }
  }

  private async fetch(id: string, address: string, at: number): Promise<void> {
    this.inFlight.add(id)
    try {
      const res = await fetch(`${address}/object_info`, { signal: AbortSignal.timeout(this.timeoutMs) })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      const info = (await res.json()) as ObjectInfo
      const entry = { info, fetchedAt: at }
      this.memory.set(id, entry)
      writeFileSync(this.file(id), JSON.stringify(entry))
    } catch (e) {
      this.log(`could not read /object_info of ${address}: ${(e as Error).message}`)
    } finally {
      this.inFlight.delete(id)
    }
  }

  forget(id: string): void {
    this.memory.delete(id)
    rmSync(this.file(id), { force: true })
  }

  private file(id: string): string {
    return join(this.dir, `${id.replace(/[^A-Za-z0-9_-]/g, '_')}.json`)
  }
}
