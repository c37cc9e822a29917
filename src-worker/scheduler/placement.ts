/**
 * Where a run should go: among usable servers with a free slot that can run it, the one expected to
 * finish it first (work already there divided by its measured rate, plus this run), with a bonus when
 * its models are already loaded there. Pure functions over a snapshot, so they are unit-tested alone.
 */
import type { ApiPrompt } from '../../src-shared/contract/runs'
import type { WorkerServer } from '../../src-shared/contract/worker-protocol'
import { capabilityProblems, fits, type CapabilityProblem } from '../../src-shared/comfy/capabilities'
import { isUrgent } from './run-order'
import { PRIOR_LOAD_COST } from './server-estimates'

export { promptCost } from '../../src-shared/comfy/prompt-cost'

export interface PlacementRequest {
  runId: string
  prompt: ApiPrompt
  cost: number
  models: string[]
  servers?: string[]
  excludeServers?: string[]
  minVramFree?: number | null
  /** Temporal's priority key of the run (lower is more urgent; undefined = default). */
  priority?: number
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
  /** ms of a model load there, measured; null/undefined until one was seen. */
  reloadMs?: number | null
  /** A load in cost units as the farm's other GPUs measured it (used while reloadMs is unknown). */
  farmLoadCost?: number | null
  /** How many models its VRAM holds at once (learned or from /system_stats); undefined: not known. */
  modelRoom?: number
  /** Remaining cost of the prompt running there (what an urgent run sent to the front waits for). */
  runningCost?: number
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
  return server.capabilities === null || fits(request.prompt, server.capabilities)
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

/**
 * Expected ms until `request` would start its own work on this server if placed there now: the work
 * ahead of it (ComfyUI runs one prompt at a time; an urgent run goes to the front, behind the running one
 * only), then a model load when its models are not loaded there, at the measured rate. Before a load was
 * measured there, the prior of server-estimates.ts stands for it.
 */
export function expectedStart(request: PlacementRequest, load: ServerLoad, fallbackRate: number): number {
  const rate = load.rate ?? fallbackRate
  const ahead = isUrgent(request) ? (load.runningCost ?? load.remainingCost) : load.remainingCost
  return ahead / rate + reloadMs(request, load, rate)
}

/** Expected ms until `request` would finish on this server if placed there now (start, then its work). */
export function expectedFinish(request: PlacementRequest, load: ServerLoad, fallbackRate: number): number {
  return expectedStart(request, load, fallbackRate) + request.cost / (load.rate ?? fallbackRate)
}

/**
 * What loading the request's models there costs, in ms: 0 when loaded, else the measured load time (or the
 * prior), times EVICTION_WEIGHT when the card is full: the load evicts a model a later run will load again.
 */
function reloadMs(request: PlacementRequest, load: ServerLoad, rate: number): number {
  const loaded = request.models.length === 0 || request.models.every((m) => load.loadedModels.has(m))
  if (loaded) return 0
  const evicts = load.modelRoom !== undefined && load.loadedModels.size >= load.modelRoom
  return (evicts ? EVICTION_WEIGHT : 1) * modelLoadMs(load, rate)
}

/** ms of one model load there: measured, else the farm's load at this GPU's rate, else the prior. */
export function modelLoadMs(load: ServerLoad, rate: number): number {
  return load.reloadMs ?? (load.farmLoadCost ?? PRIOR_LOAD_COST) / rate
}

/**
 * What placement minimises: the expected finish; for an urgent run, its expected start (the user wants
 * it now, and its wait is what S6 measures), the finish breaking near-ties.
 */
function placementScore(request: PlacementRequest, load: ServerLoad, fallbackRate: number): number {
  const finish = expectedFinish(request, load, fallbackRate)
  return isUrgent(request) ? expectedStart(request, load, fallbackRate) + finish * URGENT_FINISH_WEIGHT : finish
}

/**
 * True when `choice` would have to load the run's models while a server that has them loaded (busy or
 * not) starts it sooner than that load ends: waiting costs less than a reload, so a free slot should not
 * take it just to keep the GPU busy.
 */
export function waitBeatsReload(request: PlacementRequest, choice: ServerLoad, loads: ServerLoad[]): boolean {
  const fallback = fallbackRate(loads)
  const reload = reloadMs(request, choice, choice.rate ?? fallback)
  if (reload === 0) return false
  return loads.some(
    (l) =>
      l !== choice &&
      eligible(request, l) &&
      reloadMs(request, l, 1) === 0 &&
      expectedStart(request, l, fallback) < reload
  )
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

/**
 * A model switch on a full card costs its load and the load back of the model it evicted: counted twice,
 * so a run waits a little longer where its model is loaded (S3: counted once, greedy placement reloaded 14
 * times where SwarmUI's affinity-first policy reloaded 9–12).
 */
const EVICTION_WEIGHT = 2
/** An urgent run's finish counts this much beside its start: enough to break ties between idle servers. */
const URGENT_FINISH_WEIGHT = 0.05
/**
 * A run waits for a busy server instead of taking a free one only when it is expected to finish there
 * clearly sooner: estimates are rough, and an idle GPU is a sure loss.
 */
const WAIT_GAIN = 0.8

/** True when `load` has a slot `request` may take now: an urgent run may take one more, going before the queued ones. */
export function hasSlotFor(request: PlacementRequest, load: ServerLoad): boolean {
  return load.inUse < load.server.slots + (isUrgent(request) ? 1 : 0)
}

/**
 * The best server with a free slot, or null when none can take it now — or when a busy server is
 * expected to finish it clearly sooner than any free one (a long run is not bound to a slow GPU while
 * a fast one will be free sooner; model affinity: it waits where its model is loaded unless waiting
 * costs more than a reload). With `mayWait` false it takes the best free server whatever the others.
 */
export function chooseServer(request: PlacementRequest, loads: ServerLoad[], mayWait = true): ServerLoad | null {
  const fallback = fallbackRate(loads)
  let best: ServerLoad | null = null
  let bestMs = Infinity
  let bestBusyMs = Infinity
  for (const load of loads) {
    if (!eligible(request, load)) continue
    const ms = placementScore(request, load, fallback)
    if (!hasSlotFor(request, load)) bestBusyMs = Math.min(bestBusyMs, ms)
    else if (ms < bestMs) {
      best = load
      bestMs = ms
    }
  }
  return mayWait && bestBusyMs < bestMs * WAIT_GAIN ? null : best
}

/**
 * When the work we can see (our prompts on the usable servers plus the runs waiting here) would end if it
 * were spread perfectly over those servers, in ms: a run that would finish on a free server by then does
 * not stretch the batch, even on a slow GPU.
 */
export function balancedHorizon(loads: ServerLoad[], waiting: PlacementRequest[]): number {
  const fallback = fallbackRate(loads)
  const usable = loads.filter((l) => l.usable)
  const work = usable.reduce((a, l) => a + l.remainingCost, 0) + waiting.reduce((a, r) => a + r.cost, 0)
  const speed = usable.reduce((a, l) => a + (l.rate ?? fallback), 0)
  return speed > 0 ? work / speed : Infinity
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
