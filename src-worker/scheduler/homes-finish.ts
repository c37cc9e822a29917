/**
 * When the waiting work would end if each GPU served the given models (its homes), for model-homes.ts. The work
 * of a group of runs (same models, same servers) is taken as divisible: it ends by T when every set of groups
 * fits in what the GPUs serving any of them can do by T (Hall's condition for the bipartite supply of GPU
 * time), each GPU's time starting once the work already sent there and its loads are done; then the bounds
 * that runs are not divisible add. Pure functions.
 */

/** Runs that need the same models and may run on the same servers: the unit the plan shares out. */
export interface Group {
  models: readonly string[]
  servers: ReadonlySet<string>
  /** Their total cost units. */
  work: number
  /** The costs of the longest and the shortest of them. */
  longest: number
  shortest: number
}

/** A usable server as the plan sees it. */
export interface Station {
  id: string
  rate: number
  /** ms until the prompts already sent there are done. */
  busyMs: number
  loadMs: number
  room: number
  loaded: ReadonlySet<string>
  /** Models of the groups it may run: what it could serve. */
  candidates: string[]
}

/** True when a GPU with these homes may run the group and holds all its models. */
export function serves(station: Station, homes: ReadonlySet<string>, group: Group): boolean {
  return group.servers.has(station.id) && group.models.every((m) => homes.has(m))
}

/** ms from now until a GPU starts the plan's work: the work sent there, then a load per home not loaded. */
function startOf(station: Station, homes: ReadonlySet<string>): number {
  const loadsNeeded = [...homes].filter((m) => !station.loaded.has(m)).length
  return station.busyMs + loadsNeeded * station.loadMs
}

/** Cost units a GPU can do of the plan's work by `t`. */
function capacityBy(station: Station, homes: ReadonlySet<string>, t: number): number {
  return station.rate * Math.max(0, t - startOf(station, homes))
}

/**
 * A load pays off only when a whole run follows it in time: a GPU that loads a model for its homes ends its first
 * run of it no sooner than its start plus the shortest such run. Counted divisibly, a one-model GPU whose model's
 * runs were done loaded another for the batch's last run of it (1.7 s + 1 s), while the 24 GB GPU holding that
 * model would have run it within its last second: the batch ended 1.1 s after the rest of the farm.
 */
function firstLoadedRunEnd(
  groups: readonly Group[],
  stations: readonly Station[],
  homes: ReadonlyMap<string, ReadonlySet<string>>
): number {
  let end = 0
  for (const s of stations) {
    const h = homes.get(s.id) ?? new Set<string>()
    const needLoad = groups.filter((g) => serves(s, h, g) && g.models.some((m) => !s.loaded.has(m)))
    if (needLoad.length === 0) continue
    end = Math.max(end, startOf(s, h) + Math.min(...needLoad.map((g) => g.shortest)) / s.rate)
  }
  return end
}

/**
 * Runs are not divisible: a group's work cannot end before its longest run ends on the serving GPU that
 * ends it first (one run of 100 units on two free GPUs of rate 1 ends at 100 ms, not 50).
 */
function longestRunEnd(
  groups: readonly Group[],
  stations: readonly Station[],
  homes: ReadonlyMap<string, ReadonlySet<string>>
): number {
  let end = 0
  for (const g of groups) {
    const ends = stations.flatMap((s) => {
      const h = homes.get(s.id) ?? new Set<string>()
      return serves(s, h, g) ? [startOf(s, h) + g.longest / s.rate] : []
    })
    end = Math.max(end, Math.min(...ends))
  }
  return end
}

/** Hall's condition at `t`: every set of groups fits in what the GPUs serving any of them can do by then. */
function fitsBy(
  groups: readonly Group[],
  stations: readonly Station[],
  homes: ReadonlyMap<string, ReadonlySet<string>>,
  t: number
): boolean {
  const capacity = stations.map((s) => capacityBy(s, homes.get(s.id) ?? new Set(), t))
  // Bit i of a station's mask: it serves group i.
  const servedBy = stations.map((s) => {
    const h = homes.get(s.id) ?? new Set<string>()
    return groups.reduce((mask, g, i) => (serves(s, h, g) ? mask | (1 << i) : mask), 0)
  })
  for (let mask = 1; mask < 1 << groups.length; mask++) {
    let work = 0
    let supply = 0
    groups.forEach((g, i) => {
      if ((mask & (1 << i)) !== 0) work += g.work
    })
    servedBy.forEach((served, i) => {
      if ((served & mask) !== 0) supply += capacity[i]!
    })
    if (work > supply * (1 + 1e-9)) return false
  }
  return true
}

const BISECTIONS = 30

/**
 * The earliest time the groups' work fits (bisection on Hall's condition), and no sooner than the longest run
 * of each group and each loading GPU's first run allow.
 */
export function finishOf(
  groups: readonly Group[],
  stations: readonly Station[],
  homes: ReadonlyMap<string, ReadonlySet<string>>
): number {
  if (groups.length === 0) return 0
  let hi = 1
  while (!fitsBy(groups, stations, homes, hi)) {
    hi *= 2
    if (hi > 1e12) return Infinity
  }
  let lo = 0
  for (let i = 0; i < BISECTIONS; i++) {
    const mid = (lo + hi) / 2
    if (fitsBy(groups, stations, homes, mid)) hi = mid
    else lo = mid
  }
  return Math.max(hi, longestRunEnd(groups, stations, homes), firstLoadedRunEnd(groups, stations, homes))
}
