/**
 * Model homes (issue #17 S3: three ~7 GB checkpoints on cards that hold one, one and three of them). When
 * VRAM cannot hold every model the waiting runs need, placing each run on its own (shortest expected
 * finish) made the one-model GPUs switch back and forth (4 loads each) and the slow GPU load twice at half
 * speed. Instead the pool plans, over all the runs it holds, which models each GPU serves (its homes): a
 * home costs one load when the model is not loaded there yet, and the plan is the one whose work ends
 * soonest. Then a GPU's free slot takes a run of its homes, and nothing when it has none. The plan is
 * made again at every placement, so a GPU switches only when the plan, loads counted at its own rate,
 * finishes the work left sooner with it than without it.
 *
 * How long a plan takes is homes-finish.ts's (its work taken as divisible, then the bounds of whole runs).
 * Pure functions, unit-tested alone.
 */
import { finishOf, serves, type Group, type Station } from './homes-finish'
import { eligible, fallbackRate, modelLoadMs, type PlacementRequest, type ServerLoad } from './placement'

export interface HomePlan {
  /** Models each usable server serves; a server with none takes no run of the plan. */
  homes: ReadonlyMap<string, ReadonlySet<string>>
  /** When the waiting work would end under these homes, in ms from now (the divisible estimate). */
  finishMs: number
}

/**
 * True when some usable server's homes serve `run`: the plan places it. A run no home serves (its only
 * servers hold models other waiting runs need) is left to placement alone, so no run waits for good.
 */
export function homed(plan: HomePlan, run: PlacementRequest, loads: readonly ServerLoad[]): boolean {
  return loads.some((l) => {
    const homes = plan.homes.get(l.server.id)
    return homes !== undefined && eligible(run, l) && run.models.every((m) => homes.has(m))
  })
}

/**
 * The plan stays exact and cheap for a few groups and models (every subset of groups is checked, and every
 * set of models a card can hold is tried): beyond these, homes are not planned and placement alone decides.
 */
const MAX_GROUPS = 8
const MAX_HOME_CHOICES = 64
/**
 * Trials of one plan × subsets of groups × GPUs (each trial bisects with about 50 Hall checks): at most about
 * 4,000 for S3's 4 GPUs and 3 models; the plan is made at every pump, so it must stay within milliseconds.
 */
const MAX_WORK = 100_000
/** A GPU changes its homes only for a plan this much shorter: estimates are rough, and a switch is a load. */
const SWITCH_GAIN = 0.05
/**
 * A GPU drops a model it holds while runs of it still wait only for a plan this much shorter. At a batch's
 * start every GPU holds the first model and the plan must spread the others (never dropping it, S3's three
 * one-model GPUs left both other models to the 24 GB card: a plan 1.4× longer from S3's starting state).
 * Mid-batch the rates a plan starts from are still rough (1-step warm-ups), and with SWITCH_GAIN alone the
 * plan sent S3's slow GPU from the model it held, its runs still waiting, to a 3.5 s load of another (they
 * went to the fast GPUs; it ended the batch 1.2 s after them).
 */
const DROP_GAIN = 0.2

/**
 * The homes plan for these waiting runs, or null when models do not matter here: every usable server can
 * hold every model it may be sent (or one model in all), or the runs are too varied to plan exactly.
 */
export function planModelHomes(waiting: readonly PlacementRequest[], loads: readonly ServerLoad[]): HomePlan | null {
  const groups = groupsOf(waiting, loads)
  if (groups.length === 0 || groups.length > MAX_GROUPS) return null
  const stations = stationsOf(groups, loads)
  if (!stations.some(mustEvict)) return null
  const choices = new Map(stations.map((s) => [s.id, homeChoices(s)]))
  const trials = [...choices.values()].reduce((a, c) => a + c.length, 0) * (stations.length + 2)
  if (trials * (1 << groups.length) * stations.length > MAX_WORK) return null
  const homes = new Map(stations.map((s) => [s.id, startingHomes(s)]))
  let best = score(groups, stations, homes)
  // Steepest descent: each step makes the one change of one GPU's homes that helps most. Taking the first
  // change that helps, GPU by GPU, switched a one-model GPU to another model (a 1.7 s load at S3's scale)
  // where the three-model GPU loading it (0.85 s, nothing evicted) was better but came later in the list.
  for (let step = 0; step < stations.length + 2; step++) {
    let move: { id: string; choice: ReadonlySet<string>; score: Score } | null = null
    for (const station of stations) {
      for (const choice of choices.get(station.id) ?? []) {
        const s = score(groups, stations, new Map(homes).set(station.id, choice))
        if (!better(s, best, gainNeeded(station, choice))) continue
        if (move === null || better(s, move.score, 0)) move = { id: station.id, choice, score: s }
      }
    }
    if (move === null) break
    homes.set(move.id, move.choice)
    best = move.score
  }
  return { homes, finishMs: best.finishMs }
}

/**
 * The run `load`'s free slot should take under `plan`: a run its homes serve, of the group whose work is
 * the most behind (its work over the rates serving it; one needing no load there on a tie), the longest
 * that still ends there by the plan's finish. Null when none does: the GPU waits, for a run of its homes
 * or for the batch's end (a long run started last on a slow GPU would stretch it; the plan's finish
 * counts the longest run of each group on the GPU that ends it first, so some GPU always fits it).
 */
export function homeRunFor<T extends PlacementRequest>(
  plan: HomePlan,
  load: ServerLoad,
  waiting: readonly T[],
  loads: readonly ServerLoad[]
): T | null {
  const homes = plan.homes.get(load.server.id)
  if (homes === undefined || homes.size === 0) return null
  const served = waiting.filter((r) => eligible(r, load) && r.models.every((m) => homes.has(m)))
  const rate = load.rate ?? fallbackRate([...loads])
  const needsLoad = (r: T): boolean => r.models.some((m) => !load.loadedModels.has(m))
  const behind = pressure(served, plan, loads)
  const rank = (r: T): number => (behind.get(modelKey(r.models)) ?? 0) * (needsLoad(r) ? 1 - TIE : 1)
  const endsInTime = (r: T): boolean => {
    const startMs = load.remainingCost / rate + (needsLoad(r) ? modelLoadMs(load, rate) : 0)
    return startMs + r.cost / rate <= plan.finishMs * (1 + TIE)
  }
  const candidates = served.filter(endsInTime)
  return candidates.sort((a, b) => rank(b) - rank(a) || b.cost - a.cost)[0] ?? null
}

/** Groups this close in pressure count as tied: the one its GPU has loaded goes first. */
const TIE = 1e-6

/** Per model set: its waiting work over the summed rates of the servers whose homes serve it. */
function pressure(
  runs: readonly PlacementRequest[],
  plan: HomePlan,
  loads: readonly ServerLoad[]
): Map<string, number> {
  const fallback = fallbackRate([...loads])
  const work = new Map<string, number>()
  for (const r of runs) work.set(modelKey(r.models), (work.get(modelKey(r.models)) ?? 0) + r.cost)
  const result = new Map<string, number>()
  for (const [key, w] of work) {
    const models = key === '' ? [] : key.split('\n')
    const speed = loads
      .filter((l) => models.every((m) => plan.homes.get(l.server.id)?.has(m) === true))
      .reduce((a, l) => a + (l.rate ?? fallback), 0)
    result.set(key, speed > 0 ? w / speed : Infinity)
  }
  return result
}

/** True when serving some model it may be sent would evict one it holds: its homes must be chosen. */
function mustEvict(station: Station): boolean {
  const missing = station.candidates.some((m) => !station.loaded.has(m))
  return missing && new Set([...station.candidates, ...station.loaded]).size > station.room
}

/** The next waiting run a free slot takes under the plan, and that slot's server; null when none does. */
export function nextHomePlacement<T extends PlacementRequest>(
  plan: HomePlan,
  waiting: readonly T[],
  loads: readonly ServerLoad[]
): { run: T; load: ServerLoad } | null {
  // The fastest free GPU chooses first: it finishes what it takes soonest.
  const free = loads.filter((l) => l.usable && l.inUse < l.server.slots).sort((a, b) => (b.rate ?? 0) - (a.rate ?? 0))
  for (const load of free) {
    const run = homeRunFor(plan, load, waiting, loads)
    if (run !== null) return { run, load }
  }
  return null
}

const modelKey = (models: readonly string[]): string => [...new Set(models)].sort().join('\n')

function groupsOf(waiting: readonly PlacementRequest[], loads: readonly ServerLoad[]): Group[] {
  const byKey = new Map<string, Group>()
  for (const run of waiting) {
    const servers = new Set(loads.filter((l) => eligible(run, l)).map((l) => l.server.id))
    if (servers.size === 0) continue
    const key = `${modelKey(run.models)}\t${[...servers].sort().join('\n')}`
    const group = byKey.get(key) ?? {
      models: [...new Set(run.models)],
      servers,
      work: 0,
      longest: 0,
      shortest: Infinity,
    }
    group.shortest = Math.min(group.shortest, run.cost)
    group.work += run.cost
    group.longest = Math.max(group.longest, run.cost)
    byKey.set(key, group)
  }
  return [...byKey.values()]
}

function stationsOf(groups: readonly Group[], loads: readonly ServerLoad[]): Station[] {
  const fallback = fallbackRate([...loads])
  return loads
    .filter((l) => l.usable)
    .map((l) => {
      const rate = l.rate ?? fallback
      const mine = groups.filter((g) => g.servers.has(l.server.id))
      const candidates = [...new Set(mine.flatMap((g) => g.models))]
      // A run's models are loaded together (room counts checkpoints; S4's upscaler is 64 MB): a card that may
      // run it holds them all, else its runs would never have a home there.
      const together = Math.max(1, ...mine.map((g) => g.models.length))
      return {
        id: l.server.id,
        rate,
        busyMs: l.remainingCost / rate,
        loadMs: modelLoadMs(l, rate),
        room: Math.max(together, l.modelRoom ?? Infinity),
        loaded: l.loadedModels,
        candidates,
      }
    })
}

/**
 * Every set of its candidate models the card holds at once (the empty one included: it may serve none),
 * each filled up with models it holds while there is room (serving those costs no load).
 */
function homeChoices(station: Station): Array<ReadonlySet<string>> {
  const sets: string[][] = [[]]
  for (const model of station.candidates) {
    for (const set of [...sets]) if (set.length < station.room) sets.push([...set, model])
    if (sets.length > MAX_HOME_CHOICES) break
  }
  const held = [...startingHomes(station)]
  const filled = sets.map((set) => [...set, ...held.filter((m) => !set.includes(m))].slice(0, station.room))
  const unique = new Map(filled.map((set) => [modelKey(set), new Set(set)]))
  return [...unique.values()]
}

/** What it serves now: the candidate models it holds (no load). */
function startingHomes(station: Station): ReadonlySet<string> {
  return new Set(station.candidates.filter((m) => station.loaded.has(m)).slice(0, station.room))
}

interface Score {
  /** Groups no server serves (their work never ends): fewer is better, whatever the time. */
  unserved: number
  finishMs: number
}

/** True when `a` serves more groups than `b`, or as many and ends at least `gain` (a share) sooner. */
function better(a: Score, b: Score, gain: number): boolean {
  if (a.unserved !== b.unserved) return a.unserved < b.unserved
  return a.finishMs < b.finishMs * (1 - gain)
}

/** The gain a GPU's new homes must bring: more when it drops a model it holds that runs still wait for. */
function gainNeeded(station: Station, choice: ReadonlySet<string>): number {
  return [...startingHomes(station)].every((m) => choice.has(m)) ? SWITCH_GAIN : DROP_GAIN
}

function score(
  groups: readonly Group[],
  stations: readonly Station[],
  homes: ReadonlyMap<string, ReadonlySet<string>>
): Score {
  const served = groups.filter((g) => stations.some((s) => serves(s, homes.get(s.id) ?? new Set(), g)))
  return { unserved: groups.length - served.length, finishMs: finishOf(served, stations, homes) }
}
