/**
 * Scarce GPUs kept for the runs only they can run (issue #17 S4: a checkpoint on 2 GPUs of 4, an upscaler
 * on 1). Without this, the GPUs that alone hold a model spent time on runs any GPU could take, and that
 * model's runs finished alone at the end (1.45× the bound, 1.26× SwarmUI's policy). The rule: each waiting
 * run is exclusive work for the servers that can run it; a run sees, on each server, the waiting work of
 * the runs that fewer servers can run (a strict subset of its own servers), shared among their servers by
 * rate, and places as if that backlog were already queued there. A flexible run so goes to the GPU whose
 * finish including its exclusive backlog is earliest; the scarce runs are handed slots first.
 */
import { eligible, fallbackRate, type PlacementRequest, type ServerLoad } from './placement'

/** Ids of the usable servers that may run `request` (constraints and capabilities), busy or not. */
export function capableServers(request: PlacementRequest, loads: ServerLoad[]): ReadonlySet<string> {
  return new Set(loads.filter((l) => eligible(request, l)).map((l) => l.server.id))
}

/** True when every server of `inner` is in `outer` and `outer` has more: the inner run is scarcer. */
function strictSubset(inner: ReadonlySet<string>, outer: ReadonlySet<string>): boolean {
  return inner.size > 0 && inner.size < outer.size && [...inner].every((id) => outer.has(id))
}

export interface WaitingRun {
  request: PlacementRequest
  servers: ReadonlySet<string>
}

/**
 * Cost units per server that runs scarcer than `run` still wait to do there: each such run's cost shared
 * among its servers in proportion to their rates (a faster GPU will do more of it).
 */
export function exclusiveBacklog(run: WaitingRun, waiting: WaitingRun[], loads: ServerLoad[]): Map<string, number> {
  const fallback = fallbackRate(loads)
  const rateOf = new Map(loads.map((l) => [l.server.id, l.rate ?? fallback]))
  const backlog = new Map<string, number>()
  for (const other of waiting) {
    if (other === run || !strictSubset(other.servers, run.servers)) continue
    const speed = [...other.servers].reduce((a, id) => a + (rateOf.get(id) ?? fallback), 0)
    for (const id of other.servers) {
      const share = (other.request.cost * (rateOf.get(id) ?? fallback)) / speed
      backlog.set(id, (backlog.get(id) ?? 0) + share)
    }
  }
  return backlog
}

/** The loads as `run` should weigh them: each server's exclusive backlog counted as work queued there. */
export function withBacklog(run: WaitingRun, waiting: WaitingRun[], loads: ServerLoad[]): ServerLoad[] {
  const backlog = exclusiveBacklog(run, waiting, loads)
  if (backlog.size === 0) return loads
  return loads.map((l) => ({ ...l, remainingCost: l.remainingCost + (backlog.get(l.server.id) ?? 0) }))
}

/** Sort comparator: runs fewer servers can run first (their GPUs are theirs to fill first). */
export function compareScarcity(a: WaitingRun, b: WaitingRun): number {
  return a.servers.size - b.servers.size
}
