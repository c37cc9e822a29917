/**
 * What the pool learns about each server from the runs it finished: its rate on runs that needed no
 * model load (cost units per ms), how long a model load takes there, and which models are still in its
 * VRAM. ComfyUI keeps several models loaded while they fit and evicts the least recently used
 * (comfy/model_management.py), but does not say what it holds; so the pool keeps the models of its runs
 * there, most recently used first, and learns how many of them stay loaded: a run whose model it thought
 * evicted that shows no load time proves that one more model fits.
 */

/**
 * Priors, so affinity counts from the first run instead of after a few reloads per GPU (issue #17 S3:
 * 13 loads against SwarmUI's 9). ComfyUI does not say how big a model is, so a checkpoint is taken as a
 * typical SDXL one (6.5 GB; SD1.5 is 2 GB, Flux 12+); a GB loads in about the time of 6 sampler steps at
 * the GPU's own rate (≈1 s/GB from disk against ≈0.2 s a step at speed 1, model_management.py's
 * load_models_gpu), so the prior scales with the farm. How many models stay loaded comes from the card's
 * VRAM (/system_stats vram_total) less what ComfyUI keeps free. Measurements replace both.
 */
const TYPICAL_MODEL_GB = 6.5
const LOAD_COST_PER_GB = 6
export const PRIOR_LOAD_COST = TYPICAL_MODEL_GB * LOAD_COST_PER_GB
const RESERVED_VRAM_GB = 1
const GB = 1024 ** 3

/** Models of a typical size that fit in `vramTotal` bytes together (at least 1; 1 when unknown). */
export function modelsThatFit(vramTotal: number | null): number {
  if (vramTotal === null || vramTotal <= 0) return 1
  return Math.max(1, Math.floor((vramTotal / GB - RESERVED_VRAM_GB) / TYPICAL_MODEL_GB))
}

/** A run slower than this × its expected time at the hot rate (and by more than LOAD_MIN_MS) paid a load. */
const LOAD_FACTOR = 1.25
const LOAD_MIN_MS = 50
const SMOOTHING = 0.4

interface Learned {
  /** Cost units per ms on runs that loaded nothing; null until one was seen. */
  rate: number | null
  /** Extra ms of a run that loaded its model; null until one was seen. */
  loadMs: number | null
  /** Models of the runs there, most recently used first. */
  recent: string[]
  /** How many of `recent` are still loaded (at least 1: the last run's); null until learned (VRAM prior). */
  fits: number | null
  /** How many models the last run there used. */
  lastRunModels: number
  /**
   * A run that had to load its models before the rate was known (the first there): its load is what it
   * took beyond the rate the next runs measure, so it is kept until then.
   */
  coldRun: { cost: number; durationMs: number } | null
  /** ms per sampler step, from progress events (step-clock.ts); null until a run there showed two steps. */
  stepMs: number | null
}

const ema = (old: number | null, sample: number): number => (old === null ? sample : old + SMOOTHING * (sample - old))

export class ServerEstimates {
  private readonly servers = new Map<string, Learned>()

  private of(serverId: string): Learned {
    let s = this.servers.get(serverId)
    if (s === undefined) {
      s = { rate: null, loadMs: null, recent: [], fits: null, lastRunModels: 0, coldRun: null, stepMs: null }
      this.servers.set(serverId, s)
    }
    return s
  }

  /** Cost units per ms on a run with its models loaded; null before the first run there. */
  rate(serverId: string): number | null {
    return this.servers.get(serverId)?.rate ?? null
  }

  /**
   * Cost units per ms for placement: from the sampler steps when seen (known from a run's first second,
   * and not blurred by model loads), else from finished runs. Null before either.
   */
  speed(serverId: string): number | null {
    const s = this.servers.get(serverId)
    if (s === undefined) return null
    return s.stepMs !== null ? 1 / s.stepMs : s.rate
  }

  /**
   * True once the speed there is measured: from sampler steps, or from a finished run that loaded no model
   * (prompts without a sampler show no steps; a run that loaded its models tells the speed only once the next
   * one separates the load from the work, see `coldRun`).
   */
  speedKnown(serverId: string): boolean {
    const s = this.servers.get(serverId)
    return s !== undefined && (s.stepMs !== null || (s.rate !== null && s.coldRun === null))
  }

  /** A sampler step there took `ms` (an average over a running prompt's steps, step-clock.ts). */
  recordStep(serverId: string, ms: number): void {
    if (!(ms > 0)) return
    const s = this.of(serverId)
    s.stepMs = ema(s.stepMs, ms)
  }

  /** ms of a model load there; null before one was measured there. */
  loadMs(serverId: string): number | null {
    return this.servers.get(serverId)?.loadMs ?? null
  }

  /**
   * A model load in cost units (ms × rate) as the farm's GPUs measured it, for a GPU that has not measured
   * its own: disks and models are the farm's, the GPU's speed is its own. Null before any was measured.
   * Without it an unused GPU kept the prior (a 6.5 GB load) for good: the prior made it look too costly to
   * try, so it never measured the 5 ms its loads took (batch.test.ts's slower GPU never ran).
   * `present`: the farm's servers now; one that left (another farm's, with other models and disks) does not
   * speak for it: S3 run after S1 and S2 borrowed their near-0 loads, and its GPUs switched models as if free.
   */
  farmLoadCost(present?: Iterable<string>): number | null {
    const ids = present === undefined ? null : new Set(present)
    const costs = [...this.servers].flatMap(([id, s]) =>
      s.loadMs !== null && s.rate !== null && (ids === null || ids.has(id)) ? [s.loadMs * s.rate] : []
    )
    return costs.length === 0 ? null : costs.reduce((a, b) => a + b, 0) / costs.length
  }

  /**
   * How many models stay loaded there at once: learned, else from the card's VRAM (bytes); never fewer than
   * the last run there used (they were all loaded together: a checkpoint and a 64 MB upscaler, S4).
   */
  room(serverId: string, vramTotal: number | null = null): number {
    const s = this.servers.get(serverId)
    return Math.max(s?.fits ?? modelsThatFit(vramTotal), s?.lastRunModels ?? 0)
  }

  /**
   * Models believed loaded there when a new run would start (`vramTotal`: the card's bytes, for the prior).
   * `ahead`: the models of the prompts sent there and not finished, newest first; ComfyUI loads them before
   * their first step, though no run there has finished with them yet.
   */
  resident(serverId: string, vramTotal: number | null = null, ahead: readonly string[] = []): ReadonlySet<string> {
    const recent = this.servers.get(serverId)?.recent ?? []
    const newestFirst = [...new Set([...ahead, ...recent])]
    return new Set(newestFirst.slice(0, Math.max(this.room(serverId, vramTotal), new Set(ahead).size)))
  }

  /** A run of `cost` units with these models took `durationMs` there (in ComfyUI's queue order, so now). */
  record(serverId: string, cost: number, durationMs: number, models: string[], vramTotal: number | null = null): void {
    if (durationMs <= 0) return
    const s = this.of(serverId)
    const fits = this.room(serverId, vramTotal)
    const position = Math.max(-1, ...models.map((m) => s.recent.indexOf(m)))
    const known = models.every((m) => s.recent.includes(m))
    const believedLoaded = models.length === 0 || (known && position < fits)
    const hotMs = s.rate === null ? null : cost / s.rate
    const extra = hotMs === null ? 0 : durationMs - hotMs
    const paidLoad = hotMs !== null && durationMs > hotMs * LOAD_FACTOR && extra > LOAD_MIN_MS
    // A model never run here was loaded for this run, whatever the time says: a load too short to stand
    // out (LOAD_MIN_MS) is a measure too (loads are cheap on this farm).
    const firstLoad = !believedLoaded && !known
    if (firstLoad && hotMs === null) s.coldRun = { cost, durationMs }
    if (firstLoad && hotMs !== null) s.loadMs = ema(s.loadMs, Math.max(0, extra))
    else if (!believedLoaded && paidLoad) s.loadMs = ema(s.loadMs, extra)
    else if (!believedLoaded && known && hotMs !== null) s.fits = Math.max(fits, position + 1)
    // Thought loaded but it was not: fewer models fit than believed.
    else if (believedLoaded && paidLoad && position >= 1) s.fits = position
    // A rate sample only from a run that loaded nothing (or before anything is known). Even a 1-step run's
    // (mostly the fixed cost of a prompt) is kept: ignoring those left a GPU that had run only a long prompt
    // without a rate, so the restart rule could not move S2's longest run off the speed-0.5 GPU (2.77× the
    // bound). Per-step timings from progress events would be the better measure.
    const cold = firstLoad ? null : s.coldRun
    if (cold !== null) {
      // The first hot run: the rate the cold one gave included its load, so this one replaces it.
      s.coldRun = null
      s.rate = cost / durationMs
      s.loadMs = ema(s.loadMs, Math.max(0, cold.durationMs - cold.cost / s.rate))
    } else if (!paidLoad || s.rate === null) s.rate = ema(s.rate, cost / durationMs)
    s.recent = [...models, ...s.recent.filter((m) => !models.includes(m))].slice(0, 16)
    s.lastRunModels = models.length
  }
}
