/**
 * The servers this worker owns, as main (or the standalone config) last described them, plus what the
 * worker itself observed: a server whose requests fail is marked down at once and stays down until a
 * probe answers again, so runs fail over without waiting for main's health loop.
 */
import { EventEmitter } from 'node:events'
import type { WorkerServer } from '../../src-shared/contract/worker-protocol'
import { ComfyHttpClient } from '../../src-shared/comfy/http-client'
import { ServerLiveness } from '../../src-shared/comfy/liveness'

/**
 * Control calls (queue, history, prompt, interrupt) may take this long: a busy real GPU server answers
 * /queue in 4–8 s and once timed out a POST /prompt at 2.5 s. Whether a server is gone is not decided by
 * one timeout but by its liveness record (src-shared/comfy/liveness.ts).
 */
const CONTROL_TIMEOUT_MS = 15_000

/** The worker's own observation of a server: its requests failed (down) or it answers again (up). */
export interface ServerHealthMark {
  serverId: string
  state: 'down' | 'up'
  reason: string | null
}

export interface DirectoryEvents {
  changed: []
  /** Reported to main (attached) or the log (standalone): the worker's marks reach every process. */
  health: [ServerHealthMark]
  /** A server that was down answers again (the janitor cleans up there). */
  recovered: [string]
}

export class ServerDirectory extends EventEmitter<DirectoryEvents> {
  private servers = new Map<string, WorkerServer>()
  private down = new Map<string, { since: number; reason: string }>()
  /** Servers being removed: their runs move elsewhere and they take no new ones. */
  private leaving = new Set<string>()
  private clients = new Map<string, ComfyHttpClient>()
  private readonly liveness = new Map<string, ServerLiveness>()
  /**
   * Farm-wide ownership (shared task queue only; null: this worker is the only one). Per server id:
   * absent = not known yet, null = ours, a string = the other worker that owns it. Only ours is usable.
   */
  private claims: Map<string, string | null> | null = null
  private probeTimer: NodeJS.Timeout | null = null

  constructor(
    private readonly probeIntervalMs = 1_000,
    /** See SILENCE_FOR_GONE_MS; tests of a hung server shorten it. */
    private readonly silenceForGoneMs?: number
  ) {
    super()
  }

  /** Replaces the server list (the worker protocol's `servers` message). */
  update(servers: WorkerServer[]): void {
    this.servers = new Map(servers.map((s) => [s.id, s]))
    for (const id of [...this.down.keys()]) if (!this.servers.has(id)) this.down.delete(id)
    // A removal that did not go through (main un-drained the server): it may take runs again.
    for (const id of [...this.leaving]) if (this.servers.get(id)?.accepting !== false) this.leaving.delete(id)
    for (const [id, client] of this.clients) {
      if (this.servers.get(id)?.address !== client.address) {
        this.clients.delete(id)
        this.liveness.delete(id)
      }
    }
    this.emit('changed')
  }

  list(): WorkerServer[] {
    return [...this.servers.values()]
  }

  get(id: string): WorkerServer | undefined {
    return this.servers.get(id)
  }

  findByAddress(address: string): WorkerServer | undefined {
    return this.list().find((s) => s.address === address)
  }

  /** May take new runs: main says accepting, and the worker has not seen it fail since. */
  isUsable(id: string): boolean {
    const server = this.servers.get(id)
    if (this.claims !== null && this.claims.get(id) !== null) return false
    return server !== undefined && server.accepting && server.online && !this.down.has(id) && !this.leaving.has(id)
  }

  /** From now on a server is usable only once this worker holds its farm-wide claim. */
  requireClaims(): void {
    if (this.claims !== null) return
    this.claims = new Map()
    this.emit('changed')
  }

  /** Records who owns a server: null for this worker, else the other owner's identity. */
  setClaim(id: string, otherOwner: string | null): void {
    if (this.claims === null || (this.claims.has(id) && this.claims.get(id) === otherOwner)) return
    this.claims.set(id, otherOwner)
    this.emit('changed')
  }

  /** The other worker that owns this server, or null (ours, unknown yet, or claims not in use). */
  ownedElsewhere(id: string): string | null {
    return this.claims?.get(id) ?? null
  }

  /** Why this worker marked the server down, or null when it has not. */
  downReason(id: string): string | null {
    return this.down.get(id)?.reason ?? null
  }

  /** Runs on it must move: it is being removed, or it is no longer in the list at all. */
  isLeaving(id: string): boolean {
    return this.leaving.has(id) || !this.servers.has(id)
  }

  markLeaving(id: string): void {
    if (this.leaving.has(id) || !this.servers.has(id)) return
    this.leaving.add(id)
    this.emit('changed')
  }

  isDown(id: string): boolean {
    return this.down.has(id)
  }

  client(id: string): ComfyHttpClient {
    const server = this.servers.get(id)
    if (server === undefined) throw new Error(`Unknown server ${id}`)
    let client = this.clients.get(id)
    if (client === undefined) {
      client = new ComfyHttpClient(server.address, { timeoutMs: CONTROL_TIMEOUT_MS, observer: this.livenessOf(id) })
      this.clients.set(id, client)
    }
    return client
  }

  /** The server's liveness record: every request of its client and every frame of its sockets feed it. */
  livenessOf(id: string): ServerLiveness {
    let record = this.liveness.get(id)
    if (record === undefined) {
      record = new ServerLiveness({ silenceForGoneMs: this.silenceForGoneMs })
      this.liveness.set(id, record)
    }
    return record
  }

  markDown(id: string, reason: string): void {
    if (this.down.has(id) || !this.servers.has(id)) return
    this.down.set(id, { since: Date.now(), reason })
    this.emit('health', { serverId: id, state: 'down', reason })
    this.emit('changed')
  }

  markUp(id: string): void {
    if (!this.down.delete(id)) return
    this.emit('health', { serverId: id, state: 'up', reason: null })
    this.emit('recovered', id)
    this.emit('changed')
  }

  /** Probes down servers until they answer. */
  start(): void {
    if (this.probeTimer !== null) return
    this.probeTimer = setInterval(() => void this.probeDown(), this.probeIntervalMs)
    this.probeTimer.unref()
  }

  stop(): void {
    if (this.probeTimer !== null) clearInterval(this.probeTimer)
    this.probeTimer = null
  }

  private async probeDown(): Promise<void> {
    await Promise.all(
      [...this.down.keys()].map(async (id) => {
        try {
          await this.client(id).getQueue()
          this.markUp(id)
        } catch {
          // Still down.
        }
      })
    )
  }
}
