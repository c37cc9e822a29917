/**
 * Where a run should go: among usable servers with a free slot that can run it, the one expected to
 * finish it first (work already there divided by its measured rate, plus this run), with a bonus when
 * its models are already loaded there. Pure functions over a snapshot, so they are unit-tested alone.
 */
import type { ApiPrompt } from '../../src-shared/contract/runs'
import type { WorkerServer } from '../../src-shared/contract/worker-protocol'
import { capabilityProblems, type CapabilityProblem } from '../../src-shared/comfy/capabilities'

export interface PlacementRequest {
  runId: string
  prompt: ApiPrompt
  cost: number
  models: string[]
  servers?: string[]
  excludeServers?: string[]
  minVramFree?: number | null
}

export interface ServerLoad {
  server: WorkerServer
  usable: boolean
  /** Leases on it (ours): their remaining cost. */
  remainingCost: number
  inUse: number
  /** Cost units per ms, measured; null until the first run finished there. */
  rate: number | null
  loadedModels: ReadonlySet<string>
}

/** Relative work of a prompt: one unit per node, sampler steps count as units too. */
export function promptCost(prompt: ApiPrompt): number {
  let cost = 0
  for (const node of Object.values(prompt)) {
    const steps = node.inputs.steps
    cost += typeof steps === 'number' && steps > 0 ? 1 + steps : 1
  }
  return Math.max(1, cost)
}

/** True when constraints of the request allow the server, whatever its load. */
export function allowed(request: PlacementRequest, server: WorkerServer): boolean {
  if (request.servers !== undefined && request.servers.length > 0 && !request.servers.includes(server.id)) return false
  if (request.excludeServers?.includes(server.id) === true) return false
  if (request.minVramFree !== undefined && request.minVramFree !== null) {
    if (server.vramFree === null || server.vramFree <= request.minVramFree) return false
  }
  return true
}

/** Capability problems per server (servers without capabilities yet are assumed capable). */
export function capable(request: PlacementRequest, server: WorkerServer): boolean {
  return server.capabilities === null || capabilityProblems(request.prompt, server.capabilities).length === 0
}

/**
 * Why no known server can ever run this request, or null when at least one could (now or later).
 * Only servers whose capabilities are known count as evidence.
 */
export function impossibleReason(request: PlacementRequest, servers: WorkerServer[]): CapabilityProblem[] | null {
  const candidates = servers.filter((s) => allowed(request, s))
  if (candidates.length === 0) {
    return [{ nodeId: '', classType: '', message: 'no server matches the run constraints' }]
  }
  if (candidates.some((s) => s.capabilities === null)) return null
  const problems = candidates.map((s) => capabilityProblems(request.prompt, s.capabilities ?? emptyCaps()))
  if (problems.some((p) => p.length === 0)) return null
  return problems.reduce((a, b) => (a.length <= b.length ? a : b))
}

function emptyCaps(): NonNullable<WorkerServer['capabilities']> {
  return { nodeClasses: [], enums: {}, fetchedAt: 0 }
}

/** Expected ms until `request` would finish on this server if placed now. */
export function expectedFinish(request: PlacementRequest, load: ServerLoad, fallbackRate: number): number {
  const rate = load.rate ?? fallbackRate
  let ms = (load.remainingCost + request.cost) / rate
  if (request.models.length > 0 && request.models.every((m) => load.loadedModels.has(m))) ms *= 0.9
  return ms
}

/**
 * The farm-wide placement rule, in its one home: a server may take this run when it is healthy and
 * accepting (usable), the run's constraints allow it, and it has the nodes and models. A worker with
 * no such server gives the run back at once (see {@link runnableNow}) so another worker takes it.
 */
export function eligible(request: PlacementRequest, load: Pick<ServerLoad, 'server' | 'usable'>): boolean {
  return load.usable && allowed(request, load.server) && capable(request, load.server)
}

/** True when some server here could run the request now (a slot may still have to free up). */
export function runnableNow(request: PlacementRequest, loads: Pick<ServerLoad, 'server' | 'usable'>[]): boolean {
  return loads.some((load) => eligible(request, load))
}

/** The best server with a free slot, or null when none can take it now. */
export function chooseServer(request: PlacementRequest, loads: ServerLoad[]): ServerLoad | null {
  const fallback = fallbackRate(loads)
  let best: ServerLoad | null = null
  let bestMs = Infinity
  for (const load of loads) {
    if (load.inUse >= load.server.slots || !eligible(request, load)) continue
    const ms = expectedFinish(request, load, fallback)
    if (ms < bestMs) {
      best = load
      bestMs = ms
    }
  }
  return best
}

/** Median measured rate, so an unmeasured server is assumed average rather than infinitely fast. */
export function fallbackRate(loads: ServerLoad[]): number {
  const rates = loads
    .map((l) => l.rate)
    .filter((r): r is number => r !== null)
    .sort((a, b) => a - b)
  if (rates.length === 0) return 1
  return rates[Math.floor(rates.length / 2)] ?? 1
}
