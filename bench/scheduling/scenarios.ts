/**
 * The scheduling suite's scenarios (issue #17): what the farm is and which runs are submitted in which
 * order. Pure data, built from a seed and a scale, so every system gets exactly the same work.
 *
 * Time: one sampler step is NOMINAL_STEP_S seconds of GPU work at speed 1; `timeScale` shrinks every
 * duration (steps and model loads alike) so the suite can run on a busy machine. Counts shrink with
 * `countScale` (the mix of short and long runs is kept).
 */
import { DEFAULT_MODELS } from '../../sim'
import type { VramModel } from '../../sim'
import { Prng } from '../lib/prng'

/** A real sampler step of an SD checkpoint on a mid-range GPU is about 0.2 s. */
export const NOMINAL_STEP_S = 0.2

export const CKPTS = DEFAULT_MODELS.checkpoints! as [string, string, string]
/** The model that stands for a custom node present on one GPU only (the simulator's node set is global). */
export const RARE_UPSCALER = 'RealESRGAN_x4plus.pth'

export interface RunSpec {
  index: number
  steps: number
  ckpt: string
  /** Adds an upscale step with RARE_UPSCALER. */
  upscale: boolean
  /** Temporal priority key (1 = most urgent); undefined = default. */
  priority?: number
}

export interface Scenario {
  id: string
  title: string
  speeds: number[]
  /** Per server VRAM in GB, when the scenario models VRAM. */
  vramGb?: number[]
  vram?: VramModel
  /** Per server model lists (undefined = the simulator's defaults). */
  models?: Array<Partial<Record<string, string[]>> | undefined>
  runs: RunSpec[]
  /** Server indexes that are not part of the farm until `joinAt` of the runs have finished. */
  churn?: { die: number; dieAt: number; join: number; joinAt: number }
  /** A high-priority run dropped in once `at` of the batch has finished. */
  interactive?: { at: number; run: RunSpec }
}

export interface Scale {
  seed: number
  /** Real ms per nominal ms (0.1 = ten times faster than a real farm). */
  timeScale: number
  /** Fraction of the run counts. */
  countScale: number
}

/** ms of one sampler step at speed 1. */
export function stepMs(scale: Scale): number {
  return NOMINAL_STEP_S * 1000 * scale.timeScale
}

const count = (n: number, s: Scale): number => Math.max(1, Math.round(n * s.countScale))
const secondsToSteps = (s: number): number => Math.round(s / NOMINAL_STEP_S)

function run(index: number, steps: number, ckpt = CKPTS[0], upscale = false): RunSpec {
  return { index, steps, ckpt, upscale }
}

/** S1: today's makespan bench, 200 runs of 10..40 steps on GPUs of speed 1, 1, 0.5, 2. */
function uniform(s: Scale): Scenario {
  const prng = new Prng(s.seed)
  const runs = Array.from({ length: count(200, s) }, (_, i) => run(i, prng.int(10, 40)))
  return { id: 'S1', title: 'uniform mixed', speeds: [1, 1, 0.5, 2], runs }
}

/** S2: 190 runs of 2–6 s, then 10 of 60–120 s submitted last. */
function heavyTail(s: Scale): Scenario {
  const prng = new Prng(s.seed + 1)
  const short = Array.from({ length: count(190, s) }, () => secondsToSteps(2 + prng.next() * 4))
  const long = Array.from({ length: count(10, s) }, () => secondsToSteps(60 + prng.next() * 60))
  const runs = [...short, ...long].map((steps, i) => run(i, steps))
  return { id: 'S2', title: 'heavy tail', speeds: [1, 1, 0.5, 2], runs }
}

/** S3: three ~7 GB checkpoints on 12, 12, 8 and 24 GB cards, ~1 s/GB to load, runs in random model order. */
function modelSwaps(s: Scale): Scenario {
  const prng = new Prng(s.seed + 2)
  const runs = Array.from({ length: count(150, s) }, (_, i) => run(i, prng.int(10, 30), prng.pick(CKPTS)))
  return {
    id: 'S3',
    title: 'model swaps',
    speeds: [1, 1, 0.5, 2],
    vramGb: [12, 12, 8, 24],
    vram: {
      modelSizesGb: { [CKPTS[0]]: 6.5, [CKPTS[1]]: 6.9, [CKPTS[2]]: 7.2 },
      loadMsPerGb: 1000 * s.timeScale,
    },
    runs,
  }
}

/** S4: one checkpoint on GPUs 0 and 1 only, the rare upscaler (custom node stand-in) on GPU 3 only. */
function capability(s: Scale): Scenario {
  const prng = new Prng(s.seed + 3)
  const runs = Array.from({ length: count(160, s) }, (_, i) => {
    const r = prng.next()
    return run(i, prng.int(10, 40), r < 0.3 ? CKPTS[1] : CKPTS[0], r >= 0.3 && r < 0.45)
  })
  const common = [CKPTS[0], CKPTS[2]]
  const models = [0, 1, 2, 3].map((i) => ({
    checkpoints: i <= 1 ? [...CKPTS] : common,
    upscale_models: i === 3 ? [RARE_UPSCALER, '4x-UltraSharp.pth'] : ['4x-UltraSharp.pth'],
  }))
  return { id: 'S4', title: 'capability', speeds: [1, 1, 0.5, 2], models, runs }
}

/** S5: GPU 1 dies when 30 % of the batch has finished; a fifth GPU joins at 60 %. */
function churn(s: Scale): Scenario {
  const prng = new Prng(s.seed + 4)
  const runs = Array.from({ length: count(200, s) }, (_, i) => run(i, prng.int(10, 40)))
  return {
    id: 'S5',
    title: 'churn',
    speeds: [1, 1, 0.5, 2, 1],
    runs,
    churn: { die: 1, dieAt: 0.3, join: 4, joinAt: 0.6 },
  }
}

/** S6: one high-priority run dropped into a running 300-run batch once 30 % of it has finished. */
function interactive(s: Scale): Scenario {
  const prng = new Prng(s.seed + 5)
  const n = count(300, s)
  const runs = Array.from({ length: n }, (_, i) => run(i, prng.int(10, 40)))
  const urgent = { ...run(n, 15), priority: 1 }
  return { id: 'S6', title: 'interactive', speeds: [1, 1, 0.5, 2], runs, interactive: { at: 0.3, run: urgent } }
}

export function scenarios(scale: Scale): Scenario[] {
  return [uniform(scale), heavyTail(scale), modelSwaps(scale), capability(scale), churn(scale), interactive(scale)]
}

/** Servers (indexes) that have every model `spec` needs. */
export function capableServers(sc: Scenario, models: string[]): number[] {
  return sc.speeds
    .map((_, i) => i)
    .filter((i) => {
      const lists = sc.models?.[i]
      if (!lists) return true
      const all = Object.values(lists).flat()
      return models.every((m) => all.includes(m) || !isListedAnywhere(sc, m))
    })
}

/** A model no server lists explicitly is one of the defaults every server has. */
function isListedAnywhere(sc: Scenario, model: string): boolean {
  return (sc.models ?? []).some((l) => l !== undefined && Object.values(l).flat().includes(model))
}
