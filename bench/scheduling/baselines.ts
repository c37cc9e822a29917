/**
 * The two baseline schedulers, written over the simulator's real HTTP/WS API:
 *  - round-robin: run i is posted to server i mod n at once (ComfyUI queues it there);
 *  - SwarmUI's policy, after its BackendHandler: a run is claimed by a free backend (fewer than 2 in
 *    flight), preferring one whose loaded model is the run's model, else any free one, and is bound to
 *    that backend from then on. No priorities: an urgent run waits its turn in the queue.
 * A run on a GPU that dies is placed again (both schedulers would see the failure and retry).
 */
import { randomUUID } from 'node:crypto'
import { crashServer } from './crash'
import { Lane } from './lane'
import { Milestones } from './milestones'
import { modelsOf, promptOf } from './prompts'
import { capableServers, type RunSpec, type Scenario } from './scenarios'
import type { RemoteFarm } from '../lib/remote-farm'
import type { SystemRun } from './system-run'

/** Lanes connected to every server of the farm (one that joins later is simply not used before). */
async function lanes(farm: RemoteFarm): Promise<Lane[]> {
  const all = farm.urls.map((u, i) => new Lane(i, u))
  await Promise.all(all.map((l) => l.connect()))
  return all
}

/** A baseline scheduler: takes runs, is told when the farm changed, resolves when every run finished. */
interface Scheduler {
  add(spec: RunSpec): void
  farmChanged(): void
  idle(): Promise<void>
}

/** Runs a baseline: warm-up, clock, churn and interactive events at their milestones, the figures. */
async function drive(
  system: string,
  sc: Scenario,
  farm: RemoteFarm,
  make: (all: Lane[], present: Set<number>, onDone: () => void) => Scheduler
): Promise<SystemRun> {
  const all = await lanes(farm)
  await warmFirst(all, sc)
  const present = new Set(all.map((l) => l.index).filter((i) => i !== sc.churn?.join))
  const milestones = new Milestones(sc.runs.length)
  const t0Epoch = Date.now()
  const t0 = performance.now()
  const result: SystemRun = {
    system,
    t0Epoch,
    makespanMs: 0,
    events: [],
    urgentPromptPrefix: null,
    urgentSubmitEpoch: null,
    lastStats: new Map(),
  }
  const sched = make(all, present, () => milestones.done())
  if (sc.churn) {
    const { die, dieAt, join, joinAt } = sc.churn
    milestones.at(dieAt, () => {
      present.delete(die)
      void crashServer(result, die, all[die]!.url)
    })
    milestones.at(joinAt, () => {
      present.add(join)
      result.events.push({ kind: 'joined', server: join, at: Date.now() })
      sched.farmChanged()
    })
  }
  if (sc.interactive) {
    const urgent = sc.interactive.run
    milestones.at(sc.interactive.at, () => {
      result.urgentSubmitEpoch = Date.now()
      result.urgentPromptPrefix = `run-${urgent.index}-`
      sched.add(urgent)
    })
  }
  for (const spec of sc.runs) sched.add(spec)
  await sched.idle()
  result.makespanMs = performance.now() - t0
  for (const l of all) l.close()
  return result
}

/** One 1-step run of the first run's checkpoint per GPU, as ComfyFleet's warm-up: every system starts warm. */
async function warmFirst(all: Lane[], sc: Scenario): Promise<void> {
  const first = sc.runs[0]?.ckpt
  await Promise.all(
    all.map((l) => l.run(promptOf({ index: 100_000 + l.index, steps: 1, ckpt: first ?? '', upscale: false }, 'warm')))
  )
}

/** Round-robin: post each run at once to the next present capable server; a failed run goes to the next one. */
export function roundRobin(sc: Scenario, farm: RemoteFarm): Promise<SystemRun> {
  return drive('round-robin', sc, farm, (all, present, onDone) => {
    let next = 0
    const running = new Set<Promise<void>>()
    const post = (spec: RunSpec): void => {
      const capable = capableServers(sc, modelsOf(spec)).filter((i) => present.has(i))
      const lane = all[capable[next++ % capable.length]!]!
      const p: Promise<void> = lane.run(promptOf(spec, 'rr'), idFor(spec)).then(
        () => {
          running.delete(p)
          if (spec.index < sc.runs.length) onDone()
        },
        () => {
          running.delete(p)
          post(spec)
        }
      )
      running.add(p)
    }
    return {
      add: post,
      // Round-robin binds everything at submission: a GPU that joins later gets only retried runs.
      farmChanged: () => undefined,
      idle: async () => {
        while (running.size > 0) await Promise.race(running)
      },
    }
  })
}

/** SwarmUI's policy: 2 in flight per backend, model affinity among free backends, bound at claim. */
export function swarm(sc: Scenario, farm: RemoteFarm): Promise<SystemRun> {
  return drive('SwarmUI policy', sc, farm, (all, present, onDone) => {
    const queue: RunSpec[] = []
    const inFlight = new Map<number, number>(all.map((l) => [l.index, 0]))
    const loaded = new Map<number, string>(all.map((l) => [l.index, sc.runs[0]?.ckpt ?? '']))
    let open = 0
    let wake: (() => void) | null = null
    const claim = (spec: RunSpec): Lane | null => {
      const free = capableServers(sc, modelsOf(spec)).filter((i) => present.has(i) && inFlight.get(i)! < 2)
      const pick = free.find((i) => loaded.get(i) === spec.ckpt) ?? free[0]
      return pick === undefined ? null : all[pick]!
    }
    const pump = (): void => {
      for (const spec of [...queue]) {
        const lane = claim(spec)
        if (!lane) continue
        queue.splice(queue.indexOf(spec), 1)
        inFlight.set(lane.index, inFlight.get(lane.index)! + 1)
        loaded.set(lane.index, spec.ckpt)
        const settle = (ok: boolean): void => {
          inFlight.set(lane.index, inFlight.get(lane.index)! - 1)
          if (ok) {
            open--
            if (spec.index < sc.runs.length) onDone()
          } else queue.unshift(spec)
          pump()
          if (open === 0) wake?.()
        }
        lane.run(promptOf(spec, 'sw'), idFor(spec)).then(
          () => settle(true),
          () => settle(false)
        )
      }
    }
    return {
      add: (spec) => {
        queue.push(spec)
        open++
        pump()
      },
      farmChanged: pump,
      idle: () => (open === 0 ? Promise.resolve() : new Promise<void>((r) => (wake = r))),
    }
  })
}

/** Prompt ids name the run, so the timeline can be matched to it (a retried run gets a fresh id). */
function idFor(spec: RunSpec): string {
  return `run-${spec.index}-${randomUUID().slice(0, 8)}`
}
