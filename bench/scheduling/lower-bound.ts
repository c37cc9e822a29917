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
export function longestRunsBound(
  runs: DeliveredRun[],
  speeds: number[],
  capable: (models: string[]) => number[],
  loadMs: (model: string) => number,
  preloaded: ReadonlySet<string>
): number {
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
