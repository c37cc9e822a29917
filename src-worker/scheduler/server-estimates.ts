/**
 * What the pool learns about each server from the runs it finished: its rate on runs that needed no
 * model load (cost units per ms), how long a model load takes there, and which models are still in its
 * VRAM. ComfyUI keeps several models loaded while they fit and evicts the least recently used
 * (comfy/model_management.py), but does not say what it holds; so the pool keeps the models of its runs
 * there, most recently used first, and learns how many of them stay loaded: a run whose model it thought
 * evicted that shows no load time proves that one more model fits.
 */

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
  /** How many of `recent` are still loaded (at least 1: the last run's). */
  fits: number
}

const ema = (old: number | null, sample: number): number => (old === null ? sample : old + SMOOTHING * (sample - old))

export class ServerEstimates {
  private readonly servers = new Map<string, Learned>()

  private of(serverId: string): Learned {
    let s = this.servers.get(serverId)
    if (s === undefined) {
      s = { rate: null, loadMs: null, recent: [], fits: 1 }
      this.servers.set(serverId, s)
    }
    return s
  }

  /** Cost units per ms on a run with its models loaded; null before the first run there. */
  rate(serverId: string): number | null {
    return this.servers.get(serverId)?.rate ?? null
  }

  /** ms of a model load there; null before one was measured. */
  loadMs(serverId: string): number | null {
    return this.servers.get(serverId)?.loadMs ?? null
  }

  /** Models believed loaded there now. */
  resident(serverId: string): ReadonlySet<string> {
    const s = this.servers.get(serverId)
    return new Set(s === undefined ? [] : s.recent.slice(0, s.fits))
  }

  /** A run of `cost` units with these models took `durationMs` there (in ComfyUI's queue order, so now). */
  record(serverId: string, cost: number, durationMs: number, models: string[]): void {
    if (durationMs <= 0) return
    const s = this.of(serverId)
    const position = Math.max(-1, ...models.map((m) => s.recent.indexOf(m)))
    const known = models.every((m) => s.recent.includes(m))
    const believedLoaded = models.length === 0 || (known && position < s.fits)
    const hotMs = s.rate === null ? null : cost / s.rate
    const extra = hotMs === null ? 0 : durationMs - hotMs
    const paidLoad = hotMs !== null && durationMs > hotMs * LOAD_FACTOR && extra > LOAD_MIN_MS
    if (!believedLoaded && paidLoad) s.loadMs = ema(s.loadMs, extra)
    else if (!believedLoaded && known && hotMs !== null) s.fits = Math.max(s.fits, position + 1)
    // Thought loaded but it was not: fewer models fit than believed.
    else if (believedLoaded && paidLoad && position >= 1) s.fits = position
    // A rate sample only from a run that loaded nothing (or before anything is known).
    if (!paidLoad || s.rate === null) s.rate = ema(s.rate, cost / durationMs)
    s.recent = [...models, ...s.recent.filter((m) => !models.includes(m))].slice(0, 16)
  }
}
