/** A system's figures on a scenario, from the farm's own timeline: makespan, lower bound, ratio, S6 wait, chart. */
import type { SimStats } from '../../sim'
import type { GanttInput } from './gantt'
import { delivered, longestRunsBound, lowerBound, perCardLoadsBound, type Presence } from './lower-bound'
import { capableServers, type Scenario } from './scenarios'
import type { SystemRun } from './system-run'

export interface Outcome {
  system: string
  makespanMs: number
  lowerBoundMs: number
  ratio: number
  /**
   * The bound or, when higher, the k longest runs placed whole (lower-bound.ts longestRunsBound) or,
   * on a farm that loads models, a load on every GPU serving a model it did not hold (perCardLoadsBound).
   */
  tightBoundMs: number
  tightRatio: number
  /** Model loads paid after t0 (reloads included). */
  loads: number
  /** S6: ms from the urgent run's submission to its start on a GPU; and the shortest remaining run then. */
  urgentWaitMs: number | null
  shortestRemainingMs: number | null
  chart: GanttInput
}

export function measure(sc: Scenario, run: SystemRun, stats: SimStats[], preloaded: string): Outcome {
  const t0 = run.t0Epoch
  const timelines = stats.map((s) => s.timeline.filter((r) => r.start >= t0))
  const presences: Presence[] = sc.speeds.map((speed, i) => {
    const died = run.events.find((e) => e.kind === 'died' && e.server === i)
    const joined = run.events.find((e) => e.kind === 'joined' && e.server === i)
    const from = i === sc.churn?.join ? (joined ? joined.at - t0 : Infinity) : 0
    return { speed, from, until: died ? died.at - t0 : Infinity }
  })
  const runs = timelines.flatMap((t, i) => delivered(t, sc.speeds[i]!, t0))
  const loadMs = (model: string): number => (sc.vram?.modelSizesGb?.[model] ?? 0) * (sc.vram?.loadMsPerGb ?? 0)
  const lb = lowerBound({
    runs,
    presences: presences.filter((p) => p.from !== Infinity),
    preloaded: new Set([preloaded]),
    loadMs,
    capableSpeeds: (models) => capableServers(sc, models).map((i) => sc.speeds[i]!),
  })
  const capable = (models: string[]): number[] => capableServers(sc, models)
  const farm = { speeds: sc.speeds, capable, loadMs, preloaded: new Set([preloaded]) }
  const tight = Math.max(lb, longestRunsBound(runs, farm), sc.vram ? perCardLoadsBound(runs, farm) : 0)
  const urgent = urgentWait(run, timelines.flat())
  return {
    system: run.system,
    makespanMs: Math.round(run.makespanMs),
    lowerBoundMs: Math.round(lb),
    ratio: Math.round((run.makespanMs / lb) * 1000) / 1000,
    tightBoundMs: Math.round(tight),
    tightRatio: Math.round((run.makespanMs / tight) * 1000) / 1000,
    loads: timelines.flat().reduce((a, r) => a + r.loads.length, 0),
    ...urgent,
    chart: {
      title: `${sc.id} ${sc.title}: ${run.system}`,
      makespanMs: run.makespanMs,
      lowerBoundMs: lb,
      events: [
        ...run.events.map((e) => ({ label: `gpu-${e.server} ${e.kind}`, at: e.at - t0 })),
        ...(run.urgentSubmitEpoch === null ? [] : [{ label: 'urgent run submitted', at: run.urgentSubmitEpoch - t0 }]),
      ],
      lanes: timelines.map((t, i) => ({
        name: `gpu-${i}`,
        speed: sc.speeds[i]!,
        spans: t.map((r) => ({
          start: r.start - t0,
          end: r.end - t0,
          model: r.models[0] ?? '',
          loadMs: r.loads.reduce((a, l) => a + l.ms, 0),
          marked: r.models.length > 1,
          urgent: run.urgentPromptPrefix !== null && r.promptId.startsWith(run.urgentPromptPrefix),
        })),
      })),
    },
  }
}

/** S6: the urgent run's wait, and the shortest time any GPU still had to go on its running run then. */
function urgentWait(
  run: SystemRun,
  all: SimStats['timeline']
): { urgentWaitMs: number | null; shortestRemainingMs: number | null } {
  const at = run.urgentSubmitEpoch
  const prefix = run.urgentPromptPrefix
  if (at === null || prefix === null) return { urgentWaitMs: null, shortestRemainingMs: null }
  const mine = all.find((r) => r.promptId.startsWith(prefix))
  const remaining = all.filter((r) => r.start <= at && r.end > at).map((r) => r.end - at)
  return {
    urgentWaitMs: mine ? Math.round(mine.start - at) : null,
    shortestRemainingMs: remaining.length > 0 ? Math.round(Math.min(...remaining)) : 0,
  }
}
