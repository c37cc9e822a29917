/**
 * The lower bound of a scenario's makespan, from the work the simulator actually delivered (its step
 * timers run late on a calm machine and more so under load, so nominal work would flatter every system):
 * the smallest T such that the farm's capacity up to T (Σ speed × time of the GPUs present) covers the
 * delivered work plus one load of every model that had to be loaded, and at least the longest run on the
 * fastest GPU able to run it (with its model load).
 */
import type { SimRunSpan } from '../../sim'

export interface DeliveredRun {
  /** GPU work at speed 1 (ms): (busy time − load time) × speed of the GPU it ran on. */
  work: number
  models: string[]
}

/** A GPU's presence: speed, and the ms (from t0) it joined and left. */
export interface Presence {
  speed: number
  from: number
  until: number
}

/** Delivered work of every successful run in a server's timeline that started after t0. */
export function delivered(timeline: SimRunSpan[], speed: number, t0: number): DeliveredRun[] {
  return timeline
    .filter((r) => r.status === 'success' && r.start >= t0)
    .map((r) => {
      const loadMs = r.loads.reduce((a, l) => a + l.ms, 0)
      return { work: Math.max(0, r.end - r.start - loadMs) * speed, models: r.models }
    })
}

/** Smallest T with ∫₀ᵀ Σ speed(t) dt ≥ work (presences are piecewise constant). */
export function timeToCover(work: number, presences: Presence[]): number {
  const edges = [...new Set(presences.flatMap((p) => [p.from, p.until]).filter((e) => Number.isFinite(e)))]
    .filter((e) => e >= 0)
    .sort((a, b) => a - b)
  let t = 0
  let left = work
  for (const edge of [...edges, Infinity]) {
    if (edge <= t) continue
    const speed = presences.filter((p) => p.from <= t && p.until > t).reduce((a, p) => a + p.speed, 0)
    const span = edge - t
    if (speed > 0 && speed * span >= left) return t + left / speed
    left -= speed * span
    t = edge
  }
  return Infinity
}

export interface BoundInput {
  runs: DeliveredRun[]
  presences: Presence[]
  /** Models every GPU had loaded before t0 (the warm-up's): they need no load. */
  preloaded: ReadonlySet<string>
  /** Load time at speed 1 of each model (0 when loads are free). */
  loadMs: (model: string) => number
  /** Speeds of the GPUs able to run a run with these models. */
  capableSpeeds: (models: string[]) => number[]
}

export function lowerBound(input: BoundInput): number {
  const models = [...new Set(input.runs.flatMap((r) => r.models))].filter((m) => !input.preloaded.has(m))
  const loads = models.reduce((a, m) => a + input.loadMs(m), 0)
  const work = input.runs.reduce((a, r) => a + r.work, 0)
  const byCapacity = timeToCover(work + loads, input.presences)
  const longest = Math.max(
    0,
    ...input.runs.map((r) => {
      const fastest = Math.max(...input.capableSpeeds(r.models))
      const load = r.models.filter((m) => !input.preloaded.has(m)).reduce((a, m) => a + input.loadMs(m), 0)
      return (r.work + load) / fastest
    })
  )
  return Math.max(byCapacity, longest)
}

/** The farm as the second bounds see it: GPUs present throughout. */
export interface FarmShape {
  speeds: number[]
  /** Indexes of the GPUs able to run a run with these models. */
  capable: (models: string[]) => number[]
  /** Load time at speed 1 of each model (0 when loads are free). */
  loadMs: (model: string) => number
  /** Models every GPU had loaded before t0: they need no load. */
  preloaded: ReadonlySet<string>
}

/** How many of the longest runs {@link longestRunsBound} places: 5 GPUs ^ 3 runs = 125 assignments. */
const LONGEST_K = 3

/**
 * A tighter bound than {@link lowerBound}'s, still one no schedule can beat: the k longest runs placed whole,
 * each on a GPU able to run it, with a model's load paid once per GPU; the smallest, over every such
 * assignment, of the busiest GPU's time. It generalises "the longest run on the fastest GPU" to a few runs:
 * on S2 two long runs either share the speed-2 GPU or one of them runs at speed ≤ 1, so no schedule ends as
 * soon as the issue's bound says. GPUs count as present throughout (a GPU that died or joined only adds
 * choices here), which keeps it a lower bound. Reported beside the issue's bound, not instead of it.
 */
export function longestRunsBound(runs: DeliveredRun[], farm: FarmShape): number {
  const { speeds, capable, loadMs, preloaded } = farm
  const longest = [...runs].sort((a, b) => b.work - a.work).slice(0, LONGEST_K)
  let best = Infinity
  const assign = (i: number, where: number[]): void => {
    if (i === longest.length) {
      best = Math.min(best, busiest(longest, where, speeds, loadMs, preloaded))
      return
    }
    for (const gpu of capable(longest[i]!.models)) assign(i + 1, [...where, gpu])
  }
  assign(0, [])
  return longest.length === 0 ? 0 : best
}

/** The busiest GPU's time for runs placed on `where` (a model loaded once per GPU). */
function busiest(
  runs: DeliveredRun[],
  where: number[],
  speeds: number[],
  loadMs: (model: string) => number,
  preloaded: ReadonlySet<string>
): number {
  const perGpu = new Map<number, { work: number; models: Set<string> }>()
  runs.forEach((r, i) => {
    const g = perGpu.get(where[i]!) ?? { work: 0, models: new Set<string>() }
    g.work += r.work
    for (const m of r.models) if (!preloaded.has(m)) g.models.add(m)
    perGpu.set(where[i]!, g)
  })
  let worst = 0
  for (const [gpu, g] of perGpu) {
    const loads = [...g.models].reduce((a, m) => a + loadMs(m), 0)
    worst = Math.max(worst, (g.work + loads) / speeds[gpu]!)
  }
  return worst
}

/**
 * A bound for farms whose GPUs must load models (S3), no schedule can beat either: every GPU that runs a model
 * it did not hold at t0 loads it at least once, at its own speed. The issue's bound counts one load per model
 * in the whole farm; on S3's one-model cards a model served by two cards is loaded twice. For every choice of
 * the models each GPU serves, the work is shared out divisibly among the GPUs serving it (Hall's condition:
 * every set of model groups fits in what the GPUs serving any of them can do after their loads); the bound is
 * the best such choice's end. Reported beside the issue's bound, not instead of it. The scheduler's model-homes
 * plan solves the same divisible problem (src-worker/scheduler/homes-finish.ts finishOf); this one is written
 * apart on purpose: a bound that shared the scheduler's code would share its mistakes, and could no longer catch them.
 */
export function perCardLoadsBound(runs: DeliveredRun[], farm: FarmShape): number {
  const { speeds, capable, loadMs, preloaded } = farm
  const groups = groupsByModels(runs)
  const toLoad = [...new Set(runs.flatMap((r) => r.models))].filter((m) => !preloaded.has(m))
  if (groups.length === 0 || toLoad.length > 4 || groups.length > 10) return 0
  const subsets = Array.from({ length: 1 << toLoad.length }, (_, mask) =>
    toLoad.filter((_, i) => (mask & (1 << i)) !== 0)
  )
  const capableOf = groups.map((g) => new Set(capable(g.models)))
  let best = Infinity
  const choose = (gpu: number, served: string[][]): void => {
    if (gpu === speeds.length) {
      best = Math.min(best, sharedEnd(groups, capableOf, speeds, served, loadMs, preloaded))
      return
    }
    for (const set of subsets) choose(gpu + 1, [...served, set])
  }
  choose(0, [])
  return best
}

interface ModelGroup {
  models: string[]
  work: number
}

function groupsByModels(runs: DeliveredRun[]): ModelGroup[] {
  const byKey = new Map<string, ModelGroup>()
  for (const r of runs) {
    const key = [...new Set(r.models)].sort().join('\n')
    const g = byKey.get(key) ?? { models: [...new Set(r.models)], work: 0 }
    g.work += r.work
    byKey.set(key, g)
  }
  return [...byKey.values()]
}

/** When the groups' work ends if GPU i serves `served[i]` (plus what it held), the work divisible. */
function sharedEnd(
  groups: ModelGroup[],
  capableOf: Array<ReadonlySet<number>>,
  speeds: number[],
  served: string[][],
  loadMs: (model: string) => number,
  preloaded: ReadonlySet<string>
): number {
  const loadOf = served.map((set, i) => set.reduce((a, m) => a + loadMs(m), 0) / speeds[i]!)
  const serves = (gpu: number, g: ModelGroup, i: number): boolean =>
    capableOf[i]!.has(gpu) && g.models.every((m) => preloaded.has(m) || served[gpu]!.includes(m))
  const servedBy = speeds.map((_, gpu) =>
    groups.reduce((mask, g, i) => (serves(gpu, g, i) ? mask | (1 << i) : mask), 0)
  )
  const all = (1 << groups.length) - 1
  if ((servedBy.reduce((a, m) => a | m, 0) & all) !== all) return Infinity
  const fits = (t: number): boolean => {
    for (let mask = 1; mask <= all; mask++) {
      const work = groups.reduce((a, g, i) => ((mask & (1 << i)) !== 0 ? a + g.work : a), 0)
      const supply = speeds.reduce(
        (a, s, gpu) => ((servedBy[gpu]! & mask) !== 0 ? a + s * Math.max(0, t - loadOf[gpu]!) : a),
        0
      )
      if (work > supply * (1 + 1e-9)) return false
    }
    return true
  }
  let hi = 1
  while (!fits(hi)) hi *= 2
  let lo = 0
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2
    if (fits(mid)) hi = mid
    else lo = mid
  }
  return hi
}
