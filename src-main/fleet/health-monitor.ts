/**
 * One health loop per server: GET /system_stats (device, version, latency) and GET /prompt (queue
 * depth) every few seconds while it answers, with exponential backoff while it does not, and
 * /object_info re-read whenever the server is (re)contacted or restarted with another version or
 * argv. Listeners hear about every change that matters (not about every latency sample).
 */
import type { GpuDevice, HealthState, ServerCapabilities, ServerHealth } from '../../src-shared/contract/servers'
import { capabilitiesFromObjectInfo } from '../../src-shared/comfy/capabilities'
import { ComfyHttpClient } from '../../src-shared/comfy/http-client'
import type { SystemStats } from '../../src-shared/comfy/types'

/** Control answers (/system_stats, /prompt) are small; anything bigger is not a ComfyUI answer. */
export const MAX_CONTROL_BYTES = 1024 ** 2
/**
 * /object_info grows with custom nodes (a few MB is common, ~20 MB with hundreds of packs). A bigger one is
 * refused: held and parsed in main, a 64 MB document took main to 1 GB and stalled the local API for seconds.
 */
export const MAX_OBJECT_INFO_BYTES = 40 * 1024 ** 2

export interface HealthMonitorOptions {
  /** Time between checks of an answering server. */
  intervalMs?: number
  /** Per-request timeout of /system_stats and /prompt. */
  timeoutMs?: number
  /** Above this latency a server is `degraded`. */
  slowMs?: number
  /** First retry delay of an offline server; doubles up to {@link backoffMaxMs}. */
  backoffInitialMs?: number
  backoffMaxMs?: number
  /** Receives each /object_info as read, whole (UI→API conversion needs more than the capabilities). */
  onObjectInfo?: (serverId: string, objectInfo: unknown, fetchedAt: number, sha256: string) => void
  /** /object_info is large (megabytes with many custom nodes): it gets its own, longer timeout. */
  objectInfoTimeoutMs?: number
  /** The largest /object_info accepted (default {@link MAX_OBJECT_INFO_BYTES}). */
  objectInfoMaxBytes?: number
  /**
   * Least time between two reads of one server's /object_info after the first. A server whose reported
   * identity changes on every probe would otherwise be re-read every few seconds.
   */
  objectInfoMinGapMs?: number
  now?: () => number
}

/** Where persisted capabilities live, so routing data survives an app restart. */
export interface CapabilityStore {
  loadCapabilities(id: string): { capabilities: ServerCapabilities; identity: string | null } | null
  saveCapabilities(id: string, capabilities: ServerCapabilities, identity: string): void
}

export type HealthChange =
  | { type: 'health'; serverId: string; health: ServerHealth }
  | { type: 'capabilities'; serverId: string; capabilities: ServerCapabilities }

/**
 * A busy real GPU server answers in seconds (/queue 4–8 s with a long queue; a POST /prompt timed out at
 * 2.5 s on real ComfyUI): it is `degraded` above 4 s and `offline` only when /system_stats gets no answer
 * in 10 s. Whether its runs move is not decided here but by the worker's liveness record
 * (src-shared/comfy/liveness.ts), which waits much longer before calling a server gone.
 */
const DEFAULTS = {
  intervalMs: 2000,
  timeoutMs: 10_000,
  slowMs: 4_000,
  backoffInitialMs: 1000,
  backoffMaxMs: 30_000,
  objectInfoTimeoutMs: 20_000,
  objectInfoMaxBytes: MAX_OBJECT_INFO_BYTES,
  objectInfoMinGapMs: 60_000,
}

interface Watched {
  address: string
  health: ServerHealth
  capabilities: ServerCapabilities | null
  identity: string | null
  /** Set when (re)contacted: /object_info must be read before we trust the cached copy. */
  needsCapabilities: boolean
  /** When /object_info was last asked for (read or not), and the hash of the last one read. */
  objectInfoAt: number | null
  objectInfoHash: string | null
  /** Why the last /object_info read failed; null when it did not. */
  objectInfoError: string | null
  failures: number
  /** Delay before the next scheduled check (for the UI's "retrying in …" and for tests). */
  nextDelayMs: number | null
  timer: NodeJS.Timeout | null
  /** Bumped on every (re)watch and unwatch, so a probe that finishes late is ignored. */
  generation: number
  inFlight: Promise<ServerHealth> | null
}

export function unknownHealth(): ServerHealth {
  return {
    state: 'unknown',
    device: null,
    queueRemaining: null,
    latencyMs: null,
    lastSeenAt: null,
    error: null,
    comfyuiVersion: null,
  }
}

export class HealthMonitor {
  private readonly options: typeof DEFAULTS & { now: () => number; onObjectInfo?: HealthMonitorOptions['onObjectInfo'] }
  private readonly servers = new Map<string, Watched>()
  private readonly listeners = new Set<(change: HealthChange) => void>()
  private stopped = false

  constructor(
    private readonly store: CapabilityStore,
    options: HealthMonitorOptions = {}
  ) {
    this.options = { ...DEFAULTS, ...stripUndefined(options), now: options.now ?? Date.now }
  }

  /** Start (or restart, after an address change) the loop of one server. Checks it at once. */
  watch(id: string, address: string): void {
    const previous = this.servers.get(id)
    if (previous?.timer) clearTimeout(previous.timer)
    const cached = this.store.loadCapabilities(id)
    const sameAddress = previous?.address === address
    this.servers.set(id, {
      address,
      health: sameAddress && previous ? previous.health : unknownHealth(),
      capabilities: cached?.capabilities ?? null,
      identity: cached?.identity ?? null,
      needsCapabilities: true,
      objectInfoAt: sameAddress && previous ? previous.objectInfoAt : null,
      objectInfoHash: sameAddress && previous ? previous.objectInfoHash : null,
      objectInfoError: null,
      failures: 0,
      nextDelayMs: null,
      timer: null,
      generation: (previous?.generation ?? 0) + 1,
      inFlight: null,
    })
    if (!this.stopped) this.schedule(id, 0)
  }

  unwatch(id: string): void {
    const watched = this.servers.get(id)
    if (!watched) return
    if (watched.timer) clearTimeout(watched.timer)
    watched.generation++
    this.servers.delete(id)
  }

  health(id: string): ServerHealth {
    return this.servers.get(id)?.health ?? unknownHealth()
  }

  capabilities(id: string): ServerCapabilities | null {
    return this.servers.get(id)?.capabilities ?? this.store.loadCapabilities(id)?.capabilities ?? null
  }

  /** Consecutive failed checks (0 while the server answers) and the delay before the next check. */
  retryState(id: string): { failures: number; nextDelayMs: number | null } {
    const watched = this.servers.get(id)
    return { failures: watched?.failures ?? 0, nextDelayMs: watched?.nextDelayMs ?? null }
  }

  /** Subscribe to changes; returns the unsubscribe function. */
  onChange(listener: (change: HealthChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Check a server now (outside its schedule) and resolve with its health. */
  async checkNow(id: string): Promise<ServerHealth> {
    const watched = this.servers.get(id)
    if (!watched) return unknownHealth()
    if (watched.timer) clearTimeout(watched.timer)
    watched.timer = null
    return watched.inFlight ?? this.cycle(id, watched.generation)
  }

  /** Stop every loop; in-flight probes finish but their results are dropped. */
  stop(): void {
    this.stopped = true
    for (const watched of this.servers.values()) {
      if (watched.timer) clearTimeout(watched.timer)
      watched.timer = null
      watched.generation++
    }
  }

  private schedule(id: string, delayMs: number): void {
    const watched = this.servers.get(id)
    if (!watched || this.stopped) return
    const generation = watched.generation
    watched.nextDelayMs = delayMs
    watched.timer = setTimeout(() => {
      watched.timer = null
      void this.cycle(id, generation)
    }, delayMs)
    // A health loop alone must not keep a CLI or test process alive.
    watched.timer.unref()
  }

  private async cycle(id: string, generation: number): Promise<ServerHealth> {
    const watched = this.servers.get(id)
    if (!watched || watched.generation !== generation) return this.health(id)
    const run = this.probe(id, watched, generation)
    watched.inFlight = run
    try {
      return await run
    } finally {
      if (watched.inFlight === run) watched.inFlight = null
      if (this.servers.get(id) === watched && watched.generation === generation && !watched.timer) {
        this.schedule(id, this.nextDelay(watched))
      }
    }
  }

  private nextDelay(watched: Watched): number {
    if (watched.health.state !== 'offline') return this.options.intervalMs
    const delay = this.options.backoffInitialMs * 2 ** Math.max(0, watched.failures - 1)
    return Math.min(delay, this.options.backoffMaxMs)
  }

  private clientFor(address: string): ComfyHttpClient {
    return new ComfyHttpClient(address, {
      timeoutMs: this.options.timeoutMs,
      longTimeoutMs: this.options.objectInfoTimeoutMs,
      maxJsonBytes: MAX_CONTROL_BYTES,
    })
  }

  private async probe(id: string, watched: Watched, generation: number): Promise<ServerHealth> {
    const started = this.options.now()
    const client = this.clientFor(watched.address)
    let stats: SystemStats
    try {
      stats = await client.systemStats()
    } catch (error) {
      if (watched.generation !== generation) return watched.health
      watched.failures++
      watched.needsCapabilities = true
      return this.update(id, watched, {
        ...watched.health,
        state: 'offline',
        queueRemaining: null,
        latencyMs: null,
        error: describe(error),
      })
    }
    const latencyMs = this.options.now() - started
    const problems: string[] = []
    let queueRemaining: number | null = null
    try {
      queueRemaining = await client.queueRemaining()
    } catch (error) {
      problems.push(`queue unreadable: ${describe(error)}`)
    }
    if (watched.generation !== generation) return watched.health
    const identity = JSON.stringify([stats.comfyuiVersion, stats.argv])
    const stale = watched.needsCapabilities || identity !== watched.identity || !watched.capabilities
    // A server (re)contacted after being offline may have restarted with other nodes: read it at once. An
    // identity that merely changed while it stayed up is re-read at most once per gap.
    const due =
      watched.needsCapabilities ||
      watched.objectInfoAt === null ||
      this.options.now() - watched.objectInfoAt >= this.options.objectInfoMinGapMs
    if (stale && due) {
      await this.fetchCapabilities(id, watched, identity, client)
      if (watched.generation !== generation) return watched.health
    }
    if (watched.objectInfoError !== null)
      problems.push(`node list (/object_info) unreadable: ${watched.objectInfoError}`)
    if (latencyMs > this.options.slowMs) problems.push(`slow: answers take over ${this.options.slowMs} ms`)
    watched.failures = 0
    const state: HealthState = problems.length ? 'degraded' : 'online'
    return this.update(id, watched, {
      state,
      device: stats.device,
      queueRemaining,
      latencyMs,
      lastSeenAt: this.options.now(),
      error: problems.length ? problems.join('; ') : null,
      comfyuiVersion: stats.comfyuiVersion,
    })
  }

  /** Reads /object_info once; a failure is kept (and reported) until the next read, which waits for the gap. */
  private async fetchCapabilities(
    id: string,
    watched: Watched,
    identity: string,
    client: ComfyHttpClient
  ): Promise<void> {
    watched.objectInfoAt = this.options.now()
    watched.needsCapabilities = false
    watched.objectInfoError = null
    try {
      const doc = await client.objectInfoDocument(this.options.objectInfoMaxBytes)
      if (doc.sha256 === watched.objectInfoHash && watched.capabilities) {
        // The same document again (only the reported identity changed): nothing to parse, store or send.
        watched.identity = identity
        return
      }
      const json = doc.objectInfo
      const capabilities = capabilitiesFromObjectInfo(json, this.options.now())
      this.options.onObjectInfo?.(id, json, capabilities.fetchedAt, doc.sha256)
      watched.capabilities = capabilities
      watched.identity = identity
      watched.objectInfoHash = doc.sha256
      this.store.saveCapabilities(id, capabilities, identity)
      this.emit({ type: 'capabilities', serverId: id, capabilities })
    } catch (error) {
      watched.objectInfoError = describe(error)
    }
  }

  private update(id: string, watched: Watched, next: ServerHealth): ServerHealth {
    const before = watched.health
    watched.health = next
    if (significant(before) !== significant(next)) this.emit({ type: 'health', serverId: id, health: next })
    return next
  }

  private emit(change: HealthChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change)
      } catch {
        // A failing listener must not stop the health loop or the other listeners.
      }
    }
  }
}

/** What makes a health change worth telling listeners: everything but the latency sample and time. */
function significant(health: ServerHealth): string {
  const device: Partial<GpuDevice> | null = health.device
    ? { name: health.device.name, type: health.device.type }
    : null
  return JSON.stringify([health.state, device, health.queueRemaining, health.error, health.comfyuiVersion])
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
