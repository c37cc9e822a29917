/**
 * The fleet service the lead wires into IPC, the local API and the worker: the registry's CRUD
 * with the health monitor kept in step, views for the UI (`servers:changed`) and the worker's
 * scheduling list (`WorkerServer[]`).
 */
import type { ServerInput, ServerPatch, ServerRemoval, ServerTestResult } from '../../src-shared/contract/bridge'
import { err, ok, type Result } from '../../src-shared/contract/result'
import type { ServerCapabilities, ServerConfig, ServerView } from '../../src-shared/contract/servers'
import type { SlotUsage, WorkerServer } from '../../src-shared/contract/worker-protocol'
import type { CacheDatabase } from '../cache/db'
import { normaliseAddress } from '../../src-shared/comfy/address'
import { ComfyHttpError, ComfyProtocolError, ComfyUnreachableError } from '../../src-shared/comfy/errors'
import { ComfyHttpClient } from '../../src-shared/comfy/http-client'
import { HealthMonitor, type HealthMonitorOptions } from './health-monitor'
import { ServerRegistry } from './server-registry'

export interface FleetOptions {
  /** Slots for a server added without a count (the `defaultSlots` setting). */
  defaultSlots?: () => number
  monitor?: HealthMonitorOptions
  /** Timeout of "test connection". */
  testTimeoutMs?: number
  /**
   * Called before a server with runs on it is removed, so the engine can move them elsewhere; resolves
   * to the runs it moved. An error result cancels the removal.
   */
  beforeRemove?: (server: ServerConfig, runIds: string[]) => Promise<Result<string[]>> | Result<string[]>
}

export class Fleet {
  readonly registry: ServerRegistry
  readonly monitor: HealthMonitor
  private readonly listeners = new Set<(views: ServerView[]) => void>()
  private usage = new Map<string, SlotUsage>()
  private readonly unsubscribe: () => void

  constructor(
    db: CacheDatabase,
    private readonly options: FleetOptions = {}
  ) {
    this.registry = new ServerRegistry(db)
    this.monitor = new HealthMonitor(this.registry, options.monitor)
    this.unsubscribe = this.monitor.onChange(() => this.changed())
  }

  /** Start watching every registered server. */
  start(): void {
    for (const server of this.registry.list()) this.monitor.watch(server.id, server.address)
  }

  stop(): void {
    this.unsubscribe()
    this.monitor.stop()
  }

  list(): ServerView[] {
    return this.registry.list().map((s) => this.view(s))
  }

  get(id: string): ServerView | null {
    const server = this.registry.get(id)
    return server ? this.view(server) : null
  }

  add(input: ServerInput): Result<ServerView> {
    const added = this.registry.add(input, this.options.defaultSlots?.() ?? 2)
    if (!added.ok) return added
    this.monitor.watch(added.value.id, added.value.address)
    this.changed()
    return ok(this.view(added.value))
  }

  update(id: string, patch: ServerPatch): Result<ServerView> {
    const before = this.registry.get(id)
    const updated = this.registry.update(id, patch)
    if (!updated.ok) return updated
    if (before?.address !== updated.value.address) this.monitor.watch(id, updated.value.address)
    this.changed()
    return ok(this.view(updated.value))
  }

  setEnabled(id: string, enabled: boolean): Result<ServerView> {
    return this.update(id, { enabled })
  }

  /** Draining: finish the runs it has, take no new ones. */
  setDraining(id: string, draining: boolean): Result<ServerView> {
    return this.update(id, { draining })
  }

  /** Remove a server; runs still on it are handed to `beforeRemove` first. */
  async remove(id: string): Promise<Result<ServerRemoval>> {
    const server = this.registry.get(id)
    if (!server) return err('servers/not-found', `No server with id ${id}.`)
    const runIds = this.usage.get(id)?.runIds ?? []
    let moved: string[] = []
    if (runIds.length > 0 && this.options.beforeRemove) {
      const answer = await this.options.beforeRemove(server, runIds)
      if (!answer.ok) return answer
      moved = answer.value
    }
    const removed = this.registry.remove(id)
    if (!removed.ok) return removed
    this.monitor.unwatch(id)
    this.usage.delete(id)
    this.changed()
    return ok({ moved })
  }

  /** Check an address before adding it: is there a ComfyUI answering, and what GPU does it have? */
  async testConnection(address: string): Promise<Result<ServerTestResult>> {
    const normalised = normaliseAddress(address)
    if (!normalised.ok) return normalised
    const started = Date.now()
    try {
      const client = new ComfyHttpClient(normalised.value, { timeoutMs: this.options.testTimeoutMs ?? 5000 })
      const stats = await client.systemStats()
      return ok({
        device: stats.device?.name ?? null,
        comfyuiVersion: stats.comfyuiVersion,
        latencyMs: Date.now() - started,
      })
    } catch (error) {
      if (error instanceof ComfyUnreachableError) return err('servers/unreachable', error.message)
      if (error instanceof ComfyProtocolError || error instanceof ComfyHttpError) {
        return err('servers/not-comfyui', error.message)
      }
      throw error
    }
  }

  /** The worker's slot report: which runs occupy which server. */
  setSlotUsage(usage: SlotUsage[]): void {
    this.usage = new Map(usage.map((u) => [u.serverId, u]))
    this.changed()
  }

  capabilities(id: string): ServerCapabilities | null {
    return this.monitor.capabilities(id)
  }

  /** What the worker schedules with. */
  workerServers(): WorkerServer[] {
    return this.registry.list().map((server) => {
      const health = this.monitor.health(server.id)
      const online = health.state === 'online' || health.state === 'degraded'
      return {
        id: server.id,
        name: server.name,
        address: server.address,
        slots: server.slots,
        accepting: server.enabled && !server.draining && online,
        online,
        capabilities: this.monitor.capabilities(server.id),
        vramFree: health.device?.vramFree ?? null,
        vramTotal: health.device?.vramTotal ?? null,
        gpu: health.device?.name ?? null,
      }
    })
  }

  /** Subscribe to the full server list whenever anything about it changes; returns the unsubscribe. */
  onChange(listener: (views: ServerView[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private view(server: ServerConfig): ServerView {
    const usage = this.usage.get(server.id)
    return {
      ...server,
      health: this.monitor.health(server.id),
      slotsInUse: usage?.inUse ?? 0,
      currentRunIds: usage?.runIds ?? [],
      speed: this.relativeSpeed(server.id),
      hasCapabilities: this.monitor.capabilities(server.id) !== null,
    }
  }

  /** Measured speed relative to the mean of the measured servers (1 = average), from the worker's rates. */
  private relativeSpeed(id: string): number | null {
    const rate = this.usage.get(id)?.rate
    if (rate == null || rate <= 0) return null
    const rates = [...this.usage.values()].map((u) => u.rate).filter((r): r is number => r != null && r > 0)
    const mean = rates.reduce((a, b) => a + b, 0) / rates.length
    return Math.round((rate / mean) * 100) / 100
  }

  private changed(): void {
    if (this.listeners.size === 0) return
    const views = this.list()
    for (const listener of this.listeners) {
      try {
        listener(views)
      } catch {
        // One failing subscriber must not keep the others (or the health loop) from hearing.
      }
    }
  }
}
