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
  /** ms before the first sampler step of runs that loaded nothing (nodes before the sampler, the prompt's start). */
  hotSetupMs: number | null
  /** True once a load was measured before a first step (measureLoad), not inferred from a run's whole time. */
  loadMeasured: boolean
}

const ema = (old: number | null, sample: number): number => (old === null ? sample : old + SMOOTHING * (sample - old))

export class ServerEstimates {
  private readonly servers = new Map<string, Learned>()

  private of(serverId: string): Learned {
    let s = this.servers.get(serverId)
    if (s === undefined) {
      s = {
        rate: null,
        loadMs: null,
        recent: [],
        fits: null,
        lastRunModels: 0,
        coldRun: null,
        stepMs: null,
        hotSetupMs: null,
        loadMeasured: false,
      }
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

  /**
   * A run of `cost` units with these models took `durationMs` there (in ComfyUI's queue order, so now).
   * `setupMs`: its time from execution_start to its first sampler step (step-clock.ts), when the socket saw
   * both; a load is then measured there, directly. Without it (no sampler, a reattached prompt) the load is
   * inferred from the run's whole time against the expected one.
   */
  record(
    serverId: string,
    cost: number,
    durationMs: number,
    models: string[],
    vramTotal: number | null = null,
    setupMs: number | null = null
  ): void {
    if (durationMs <= 0) return
    const s = this.of(serverId)
    const fits = this.room(serverId, vramTotal)
    const position = Math.max(-1, ...models.map((m) => s.recent.indexOf(m)))
    const known = models.every((m) => s.recent.includes(m))
    const run: RunSeen = {
      cost,
      durationMs,
      fits,
      position,
      known,
      believedLoaded: models.length === 0 || (known && position < fits),
    }
    if (setupMs === null) inferLoad(s, run)
    else measureLoad(s, run, setupMs)
    s.recent = [...models, ...s.recent.filter((m) => !models.includes(m))].slice(0, 16)
    s.lastRunModels = models.length
  }
}

/** A finished run, and what the pool believed of its models there before it ran. */
interface RunSeen {
  cost: number
  durationMs: number
  /** How many models the pool believed fit there, and where the run's models stood in its recent list. */
  fits: number
  position: number
  /** Every model of it ran there before; all of them believed still loaded. */
  known: boolean
  believedLoaded: boolean
}

/**
 * The load seen in the set-up before the first step: the time beyond the set-up of runs there that loaded
 * nothing. The run's whole time would need its expected time, from rates that start rough (1-step warm-ups
 * gave a speed-2 GPU 1.1–3× a speed-1 one's rate): S3's 1.6 s loads were learned as 0.3–0.6 s, and the
 * homes plan made late model switches it thought cheap (gpu-0 loaded a model for the batch's last runs,
 * 1.7 s, and ended it 1.2 s after the rest).
 */
function measureLoad(s: Learned, run: RunSeen, setupMs: number): void {
  const extra = Math.max(0, setupMs - (s.hotSetupMs ?? 0))
  const paid = extra > LOAD_MIN_MS
  learnLoad(s, run, extra, paid, true)
  if (run.believedLoaded && !paid) s.hotSetupMs = ema(s.hotSetupMs, setupMs)
  const loaded = firstLoad(run) || paid ? extra : 0
  learnRate(s, run, run.cost / Math.max(1, run.durationMs - loaded), true)
}

/** The load inferred from the run's whole time against its expected time at the rate learned there. */
function inferLoad(s: Learned, run: RunSeen): void {
  const { cost, durationMs } = run
  // Before any rate there is nothing to expect: a first run that loaded waits for the next run's rate.
  if (s.rate === null && firstLoad(run)) s.coldRun = { cost, durationMs }
  const hotMs = s.rate === null ? null : cost / s.rate
  const extra = hotMs === null ? 0 : durationMs - hotMs
  const paid = hotMs !== null && durationMs > hotMs * LOAD_FACTOR && extra > LOAD_MIN_MS
  if (hotMs !== null) learnLoad(s, run, Math.max(0, extra), paid, false)
  // A rate sample only from a run that loaded nothing (or before anything is known). Even a 1-step run's
  // (mostly the fixed cost of a prompt) is kept: ignoring those left a GPU that had run only a long prompt
  // without a rate, so the restart rule could not move S2's longest run off the speed-0.5 GPU (2.77× the
  // bound). The set-up before the first step measures loads better (measureLoad).
  learnRate(s, run, cost / durationMs, !paid || s.rate === null)
}

/** A model never run here was loaded for this run, whatever the time says. */
const firstLoad = (run: RunSeen): boolean => !run.believedLoaded && !run.known

/**
 * What a run that loaded `extra` ms (`paid`: enough to stand out) says of the loads and the room there,
 * however the load was told (`measured`: before the first step; the first such measure replaces the
 * inferred ones). A first load too short to stand out (LOAD_MIN_MS) is a measure too: loads are cheap on
 * this farm.
 */
function learnLoad(s: Learned, run: RunSeen, extra: number, paid: boolean, measured: boolean): void {
  if (firstLoad(run) || (!run.believedLoaded && paid)) {
    s.loadMs = measured && !s.loadMeasured ? extra : ema(s.loadMs, extra)
    s.loadMeasured ||= measured
  }
  // Thought evicted but it showed no load: one more model fits.
  else if (!run.believedLoaded && run.known) s.fits = Math.max(run.fits, run.position + 1)
  // Thought loaded but it was not: fewer models fit than believed.
  else if (run.believedLoaded && paid && run.position >= 1) s.fits = run.position
}

/**
 * A rate sample (cost units per ms of work). The first hot run after a cold one (its load inside, no step
 * seen: a 1-step warm-up) replaces the cold rate, and the cold run's load is inferred from it until a load is
 * measured (a GPU with no load known borrows the prior, 2 s at S5's scale, and a GPU that joined mid-batch
 * was not used for 5 s). `fresh`: the sample may enter the running average.
 */
function learnRate(s: Learned, run: RunSeen, sample: number, fresh: boolean): void {
  const cold = firstLoad(run) ? null : s.coldRun
  if (cold !== null) {
    s.coldRun = null
    s.rate = sample
    if (!s.loadMeasured) s.loadMs = ema(s.loadMs, Math.max(0, cold.durationMs - cold.cost / sample))
  } else if (fresh) s.rate = ema(s.rate, sample)
}
