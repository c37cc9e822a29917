/**
 * Slots of the servers this worker owns. A run's activity acquires a lease on the best free capable
 * server (waiting if none is free), and releases it when it ends. The pool is work-conserving: when a
 * server has nothing of ours while another server holds one of our prompts queued but not started, it
 * asks that prompt's activity to move it (the activity deletes it there, confirms, and resubmits here).
 */
import { EventEmitter } from 'node:events'
import type { SlotUsage } from '../../src-shared/contract/worker-protocol'
import {
  allowed,
  balancedHorizon,
  capable,
  chooseServer,
  eligible,
  expectedFinish,
  fallbackRate,
  hasSlotFor,
  runnableNow,
  type PlacementRequest,
  type ServerLoad,
  waitBeatsReload,
} from './placement'
import { dealRuns } from './list-schedule'
import { homed, nextHomePlacement, planModelHomes } from './model-homes'
import { compareWaiting, isUrgent, urgency } from './run-order'
import { capableServers, compareScarcity, withBacklog, type WaitingRun } from './scarcity'
import { ServerEstimates } from './server-estimates'
import type { ServerDirectory } from './server-directory'

export type LeaseState = 'placing' | 'queued' | 'running'

/** Moves a queued prompt to `target`; resolves true when it was moved (the old lease is released). */
export type StealHandler = (target: Lease) => Promise<boolean>
/** Takes the prompt off its (leaving) server, queued or running; the run is then placed elsewhere. */
export type EvacuateHandler = () => Promise<void>

export class Lease {
  state: LeaseState = 'placing'
  /** 0–1 of the run's own progress while running, for the remaining-work estimate. */
  progress = 0
  stealHandler: StealHandler | null = null
  /** Restarts a running prompt on `target` (interrupts it here); set once it runs. */
  restartHandler: StealHandler | null = null
  evacuateHandler: EvacuateHandler | null = null
  stealing = false
  evacuating = false
  lastStealAt = 0
  released = false

  constructor(
    readonly serverId: string,
    readonly request: PlacementRequest
  ) {}
}

interface Waiter {
  request: PlacementRequest
  resolve: (lease: Lease) => void
  reject: (error: unknown) => void
  signal: AbortSignal
}

/**
 * Runs arriving this close together are a burst (a batch or many runs of one request, dispatched by Temporal
 * in any order); its placement waits for a pause this long, at most BURST_MAX_MS after its second run.
 */
const BURST_GAP_MS = 100
/** 1 s idled every GPU of the makespan bench (runs sent one request at a time never pause) for 0.8–1.0 s. */
const BURST_MAX_MS = 500
/** A burst whose runs' expected work differs by this factor is worth ordering before it is placed. */
const UNEVEN_RATIO = 1.5

/** A prompt whose move failed is not tried again at once (it may have just started). */
const STEAL_COOLDOWN_MS = 1_000
/**
 * A running prompt is restarted on an idle server only once that server has had nothing for this long
 * (in a busy farm new work arrives sooner; at the end of a batch it does not) and only when the idle
 * server would finish the whole prompt well before the slow one finishes the rest of it.
 */
const RESTART_IDLE_MS = 500
const RESTART_GAIN = 1.3
const RESTART_MARGIN_MS = 500

export interface PoolEvents {
  changed: []
}

export class SlotPool extends EventEmitter<PoolEvents> {
  private leases = new Map<string, Set<Lease>>()
  private readonly estimates = new ServerEstimates()
  private waiters: Waiter[] = []
  private readonly idleSince = new Map<string, number>()
  private rebalanceTimer: NodeJS.Timeout | null = null
  private lastArrival = 0
  private burstStart = 0
  private burstTimer: NodeJS.Timeout | null = null
  /** Smallest and largest expected work of the runs of the burst arriving now. */
  private burstCosts = { min: 0, max: 0 }
  /** True while pump() runs; its loads, kept until a placement changes them (see {@link loads}). */
  private pumping = false
  private pumpLoads: ServerLoad[] | null = null

  constructor(
    readonly directory: ServerDirectory,
    /**
     * Waiting runs this worker holds per usable server (see {@link permitLimit}): 1 when other workers share
     * the task queue (the rest is theirs to take), more when it is the farm's only worker (nobody to starve).
     */
    private readonly lookAheadPerServer = 1
  ) {
    super()
    directory.on('changed', () => this.onChange())
  }

  /** How many activities this worker should run at once: free-or-used slots of usable servers, plus leases elsewhere. */
  capacity(): number {
    let total = 0
    for (const server of this.directory.list()) {
      const inUse = this.leasesOn(server.id).size
      total += this.directory.isUsable(server.id) ? Math.max(server.slots, inUse) : inUse
    }
    return total
  }

  /**
   * Activity permits to grant: the capacity plus `lookAheadPerServer` runs per usable server waiting here,
   * so the pool chooses among several runs (urgent first, then the longest) instead of taking them in
   * arrival order, and a run waiting for a faster server does not leave a free slot without a run to fill
   * it. Temporal does not hand a burst's tasks out in the order the runs were started (workflow tasks
   * complete in any order; measured: a 60-step run started first of 12 came fifth), so only a pool that
   * holds the burst can start its longest runs first.
   */
  permitLimit(): number {
    const usable = this.directory.list().filter((s) => this.directory.isUsable(s.id)).length
    return this.capacity() + usable * this.lookAheadPerServer
  }

  /** True when a healthy, accepting server of this worker can run `request` (now or once a slot frees). */
  runnableNow(request: PlacementRequest): boolean {
    return runnableNow(request, this.loads())
  }

  /** Waits for a slot on the best server that can run `request`. */
  acquire(request: PlacementRequest, signal: AbortSignal): Promise<Lease> {
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = { request, resolve, reject, signal }
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((w) => w !== waiter)
        reject(signal.reason instanceof Error ? signal.reason : new Error('slot request aborted'))
      }
      if (signal.aborted) return onAbort()
      signal.addEventListener('abort', onAbort, { once: true })
      waiter.resolve = (lease) => {
        signal.removeEventListener('abort', onAbort)
        resolve(lease)
      }
      this.waiters.push(waiter)
      this.pumpAfterArrival(request)
    })
  }

  /**
   * A run arriving within BURST_GAP_MS of the previous one is part of a burst: placing it at once would
   * bind the first arrivals to the free GPUs before the burst's longest runs are seen (Temporal hands them
   * out in any order), so placement waits until the burst pauses, for at most BURST_MAX_MS. A lone run,
   * the first of a burst, an urgent run and runs of one size (nothing to order: a throughput test, a seed
   * sweep) are placed at once; a freed slot is filled at once.
   */
  private pumpAfterArrival(request: PlacementRequest): void {
    const now = Date.now()
    const inBurst = now - this.lastArrival < BURST_GAP_MS
    this.lastArrival = now
    this.burstCosts = inBurst
      ? { min: Math.min(this.burstCosts.min, request.cost), max: Math.max(this.burstCosts.max, request.cost) }
      : { min: request.cost, max: request.cost }
    const uneven = this.burstCosts.max >= UNEVEN_RATIO * this.burstCosts.min
    if (isUrgent(request)) return this.pump()
    // On GPUs of unknown speed even a burst's first run waits for the next ones: main starts a burst longest
    // first, so it is the longest, and placed at once it went to whichever GPU the rough warm-up rates
    // favoured (S2: the 399-unit run on the speed-0.5 GPU, moved 15 s later by the restart rule).
    const unmeasured = this.someSpeedUnknown()
    if (!unmeasured && (!inBurst || !uneven)) return this.pump()
    if (this.burstTimer !== null && !uneven) return this.pump()
    if (this.burstTimer === null) this.burstStart = now
    else clearTimeout(this.burstTimer)
    const wait = Math.max(0, Math.min(BURST_GAP_MS, this.burstStart + BURST_MAX_MS - now))
    this.burstTimer = setTimeout(() => {
      this.burstTimer = null
      this.pump()
    }, wait)
  }

  /** A lease on a given server regardless of free slots: reattaching to a prompt that is already there. */
  adopt(serverId: string, request: PlacementRequest, state: LeaseState): Lease {
    const lease = this.add(serverId, request)
    lease.state = state
    return lease
  }

  release(lease: Lease): void {
    if (lease.released) return
    lease.released = true
    this.leasesOn(lease.serverId).delete(lease)
    this.onChange()
  }

  setState(lease: Lease, state: LeaseState): void {
    if (lease.state === state) return
    lease.state = state
    this.onChange()
  }

  /**
   * Records how fast a server ran a prompt of `cost` units, and which models are now loaded there;
   * `setupMs`: its time before the first sampler step, when the socket saw it (server-estimates.ts).
   */
  recordRun(serverId: string, cost: number, durationMs: number, models: string[], setupMs: number | null = null): void {
    const vramTotal = this.directory.get(serverId)?.vramTotal ?? null
    this.estimates.record(serverId, cost, durationMs, models, vramTotal, setupMs)
  }

  /** A sampler step on `serverId` took `ms`; a server's first measure may unblock the long runs waiting for it. */
  recordStep(serverId: string, ms: number): void {
    const known = this.estimates.speedKnown(serverId)
    this.estimates.recordStep(serverId, ms)
    if (!known) this.onChange()
  }

  vramFree(serverId: string): number | null {
    return this.directory.get(serverId)?.vramFree ?? null
  }

  usage(): SlotUsage[] {
    return this.directory.list().map((s) => {
      const leases = [...this.leasesOn(s.id)]
      return {
        serverId: s.id,
        inUse: leases.length,
        runIds: leases.map((l) => l.request.runId),
        rate: this.estimates.rate(s.id),
      }
    })
  }

  /** ms a model load takes on `serverId` as the pool learned it; null before one was seen there. */
  learnedLoadMs(serverId: string): number | null {
    return this.estimates.loadMs(serverId)
  }

  /** True when a lease of this pool tracks `promptId` on `serverId` (the janitor must not touch it). */
  isTracking(serverId: string, runId: string): boolean {
    return [...this.leasesOn(serverId)].some((l) => l.request.runId === runId)
  }

  /**
   * Moves every run of ours off `serverId` (it is being removed): no new runs go there, each prompt on
   * it is deleted or interrupted there and placed again elsewhere. Resolves once none is left on it,
   * or after `timeoutMs` with the ones still there.
   */
  async evacuate(serverId: string, timeoutMs = 30_000): Promise<{ moved: string[]; remaining: string[] }> {
    const before = [...this.leasesOn(serverId)].map((l) => l.request.runId)
    this.directory.markLeaving(serverId)
    this.evacuateLeaving()
    const deadline = Date.now() + timeoutMs
    while (this.leasesOn(serverId).size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
      this.evacuateLeaving()
    }
    const remaining = [...this.leasesOn(serverId)].map((l) => l.request.runId)
    return { moved: before.filter((id) => !remaining.includes(id)), remaining }
  }

  /** Rebalances on a timer too, in case a change came from outside (a prompt started on its own). */
  start(intervalMs = 250): void {
    if (this.rebalanceTimer !== null) return
    this.rebalanceTimer = setInterval(() => {
      this.evacuateLeaving()
      this.rebalance()
    }, intervalMs)
    this.rebalanceTimer.unref()
  }

  stop(): void {
    if (this.rebalanceTimer !== null) clearInterval(this.rebalanceTimer)
    this.rebalanceTimer = null
    if (this.burstTimer !== null) clearTimeout(this.burstTimer)
    this.burstTimer = null
    for (const waiter of this.waiters) waiter.reject(new Error('worker is shutting down'))
    this.waiters = []
  }

  private add(serverId: string, request: PlacementRequest): Lease {
    this.pumpLoads = null
    const lease = new Lease(serverId, request)
    let set = this.leases.get(serverId)
    if (set === undefined) {
      set = new Set()
      this.leases.set(serverId, set)
    }
    set.add(lease)
    return lease
  }

  private leasesOn(serverId: string): Set<Lease> {
    return this.leases.get(serverId) ?? new Set()
  }

  private onChange(): void {
    this.pump()
    this.evacuateLeaving()
    this.rebalance()
    this.emit('changed')
  }

  /** Asks every prompt on a leaving server to move (a lease without a handler yet is asked on a later pass). */
  private evacuateLeaving(): void {
    for (const [serverId, leases] of this.leases) {
      if (leases.size === 0 || !this.directory.isLeaving(serverId)) continue
      for (const lease of leases) {
        const handler = lease.evacuateHandler
        if (handler === null || lease.evacuating) continue
        lease.evacuating = true
        handler()
          .catch(() => undefined)
          .finally(() => {
            lease.evacuating = false
          })
      }
    }
  }

  /**
   * The servers' loads. Within one pump() they are built once and again only after a placement: pump() weighs
   * every waiting run against them, and rebuilding them per run was most of its time with hundreds waiting.
   */
  private loads(): ServerLoad[] {
    if (this.pumpLoads !== null) return this.pumpLoads
    const loads = this.currentLoads()
    if (this.pumping) this.pumpLoads = loads
    return loads
  }

  private currentLoads(): ServerLoad[] {
    const farmLoadCost = this.estimates.farmLoadCost(this.directory.list().map((s) => s.id))
    return this.directory.list().map((server) => {
      const leases = [...this.leasesOn(server.id)]
      return {
        server,
        usable: this.directory.isUsable(server.id),
        inUse: leases.length,
        remainingCost: leases.reduce((sum, l) => sum + l.request.cost * (1 - l.progress), 0),
        runningCost: leases
          .filter((l) => l.state === 'running')
          .reduce((sum, l) => sum + l.request.cost * (1 - l.progress), 0),
        rate: this.estimates.speed(server.id),
        // The prompts of ours there load their models before a new run would start: newest (queued) first.
        loadedModels: this.estimates.resident(
          server.id,
          server.vramTotal,
          [...leases.filter((l) => l.state !== 'running'), ...leases.filter((l) => l.state === 'running')].flatMap(
            (l) => l.request.models
          )
        ),
        reloadMs: this.estimates.loadMs(server.id),
        farmLoadCost,
        modelRoom: this.estimates.room(server.id, server.vramTotal),
      }
    })
  }

  /**
   * Hands free slots to waiting activities: urgent first, then the runs fewer servers can run, then the
   * longest expected work (run-order.ts), each to the server expected to finish it first counting the work
   * of scarcer runs waiting for that server (scarcity.ts), which may mean waiting for a busy faster one. Then
   * a slot nobody chose goes to the first run dealt to its GPU when the waiting runs are dealt out in that
   * order (list-schedule.ts), and an idle GPU dealt none mid-batch to the shortest it can run: a GPU idle
   * while runs wait is a loss — unless the run would have to load its model there while a server that has
   * it loaded starts it sooner than that load would end (placement.ts waitBeatsReload: a reload is a loss too).
   * Near the end of a batch (fewer runs waiting than there are servers, so Temporal has no more for us) a
   * slot nobody chose goes only to a run that ends within the farm's horizon there (placement.ts
   * balancedHorizon), so the last long run is not stretched out on a slow GPU. The horizon is an estimate
   * and idles GPUs: applied as soon as Temporal's backlog was drained, and to every placement, it left two
   * GPUs idle for 6 s of a 21 s S6 run; mid-batch it would also ignore the backlog and starve the slow GPUs
   * (scaled S3).
   */
  private pump(): void {
    this.pumping = true
    try {
      this.pumpOnce()
    } finally {
      this.pumping = false
      this.pumpLoads = null
    }
  }

  private pumpOnce(): void {
    const endOfBatch = (): boolean => this.waiters.length < this.loads().filter((l) => l.usable).length
    // A GPU with a prompt running is not idle: its free slot (the pre-queue) takes only a run that ends within
    // the horizon, so a slow GPU does not pre-queue a run the others would end sooner (S5: the speed-0.5 GPU
    // ended its last run 1 s after the rest). An idle GPU takes one at once until the end of the batch.
    const horizonOf = (loads: ServerLoad[], choice: ServerLoad): number =>
      endOfBatch() || choice.inUse > 0
        ? balancedHorizon(
            loads,
            this.waiters.map((w) => w.request)
          )
        : Infinity
    // The first burst on GPUs of unknown speed is placed once it pauses: only an urgent run goes before.
    const gathering = this.burstTimer !== null && this.someSpeedUnknown()
    if (!gathering) this.probe()
    const planned = gathering ? new Set<Waiter>() : this.placeByModelHomes(this.scarcityOrder())
    const order = this.scarcityOrder().filter((r) => !planned.has(r.waiter) && (!gathering || isUrgent(r.request)))
    const longFrom = UNEVEN_RATIO * this.shortestCost()
    const probing = this.probing()
    const held = (run: (typeof order)[number]): boolean =>
      probing && run.request.cost >= longFrom && !isUrgent(run.request)
    // Runs placed already count in their server's load, not in the backlog.
    const loadsFor = (run: (typeof order)[number]): ServerLoad[] =>
      withBacklog(run, this.stillWaiting(order), this.loads())
    // While long runs are held, a GPU keeps its pre-queue slot for them: filled with short runs, the speed-1
    // GPUs were all full when the speeds came, and S2's second long run queued behind the first on the fast
    // GPU (23 s where 20 s was possible).
    const someHeld = order.some(held)
    const keepsSlot = (run: (typeof order)[number], choice: ServerLoad | null): boolean =>
      someHeld && choice !== null && choice.inUse > 0 && !isUrgent(run.request)
    for (const run of order) {
      if (held(run)) continue
      const choice = chooseServer(run.request, loadsFor(run))
      if (!keepsSlot(run, choice)) this.place(run.waiter, choice)
    }
    // A slot nobody chose takes the first run dealt to its GPU (list-schedule.ts). Mid-batch an idle GPU dealt
    // nothing still takes the shortest run it can: Temporal holds more runs than the pool sees.
    const fits = (run: (typeof order)[number], choice: ServerLoad | null, loads: ServerLoad[]): choice is ServerLoad =>
      choice !== null &&
      !keepsSlot(run, choice) &&
      !waitBeatsReload(run.request, choice, loads) &&
      expectedFinish(run.request, choice, fallbackRate(loads)) <= horizonOf(loads, choice)
    const someSlotFree = (): boolean => this.loads().some((l) => l.usable && l.inUse < l.server.slots)
    for (let placed = true; placed && this.waiters.length >= 2 && someSlotFree();) {
      placed = false
      const open = this.stillWaiting(order).filter((r) => !held(r))
      const dealt = dealRuns(
        open.map((r) => r.request),
        this.loads()
      )
      const dealtTo = new Set(dealt.values())
      const idleUndealt = (l: ServerLoad): boolean => l.inUse === 0 && !dealtTo.has(l.server.id) && !endOfBatch()
      const tries = [
        ...open.map((run) => ({ run, on: (l: ServerLoad) => l.server.id === dealt.get(run.request) })),
        ...[...open]
          .reverse()
          .sort(compareScarcity)
          .map((run) => ({ run, on: idleUndealt })),
      ]
      const now = this.loads()
      for (const { run, on } of tries) {
        // Most tries aim at a full GPU: skip them before building their backlog loads (O(runs × servers) each),
        // by chooseServer's own slot rule (an urgent run may take one slot more).
        if (!now.some((l) => on(l) && hasSlotFor(run.request, l))) continue
        const loads = loadsFor(run)
        const choice = chooseServer(run.request, loads.filter(on), false)
        if (!fits(run, choice, loads)) continue
        this.place(run.waiter, choice)
        placed = true
        break
      }
    }
  }

  /**
   * When VRAM cannot hold every model the waiting runs need, free slots take the runs the model-homes plan
   * gives them (model-homes.ts) and the rules of pump() place only the others (urgent, or without a home);
   * returns the runs the plan holds back (none when models do not matter).
   */
  private placeByModelHomes(order: Array<WaitingRun & { waiter: Waiter }>): ReadonlySet<Waiter> {
    const waiterOf = new Map(order.filter((r) => !isUrgent(r.request)).map((r) => [r.request, r.waiter]))
    for (;;) {
      const waiting = [...waiterOf.keys()].filter((r) => this.waiters.includes(waiterOf.get(r)!))
      const loads = this.loads()
      const plan = planModelHomes(waiting, loads)
      if (plan === null) return new Set()
      const next = nextHomePlacement(plan, waiting, loads)
      if (next === null) return new Set(waiting.filter((r) => homed(plan, r, loads)).map((r) => waiterOf.get(r)!))
      this.place(waiterOf.get(next.run)!, next.load)
    }
  }

  /**
   * Probing: while runs of uneven length wait, a usable GPU with nothing of ours whose speed is not measured
   * yet first gets the shortest waiting run it can run, and the long runs wait until its first steps tell
   * its speed (a run's third progress event: a fraction of a second; {@link probing}). Placed
   * longest first straight away, a burst bound its longest run to whichever GPU came first in the list,
   * a speed-1 one while the speed-2 GPU took short runs (S2 at 1.32–1.47× the bound). A burst of runs of one
   * length has nothing to gain and is placed at once.
   */
  private probe(): void {
    const loads = this.loads()
    // One GPU has no choice to inform, and an urgent run goes first whatever the speeds.
    if (this.waiters.length < 2 || loads.filter((l) => l.usable).length < 2) return
    if (this.waiters.some((w) => isUrgent(w.request))) return
    if (Math.max(...this.waiters.map((w) => w.request.cost)) < UNEVEN_RATIO * this.shortestCost()) return
    for (const load of loads) {
      if (!load.usable || load.inUse > 0 || this.estimates.speedKnown(load.server.id)) continue
      // The shortest run it can run without a model load a loaded GPU would spare (placement.ts).
      const shortest = this.waiters
        .filter((w) => eligible(w.request, load) && !waitBeatsReload(w.request, load, loads))
        .sort((a, b) => a.request.cost - b.request.cost)[0]
      if (shortest !== undefined) this.place(shortest, load)
    }
  }

  /**
   * The shortest expected work among the runs waiting and placed here: a run is long against it. Temporal
   * hands a burst out over a second or more, a few runs at a time, so the runs waiting alone would often
   * make a long run look like the only size there is.
   */
  private shortestCost(): number {
    const placed = [...this.leases.values()].flatMap((set) => [...set].map((l) => l.request.cost))
    return Math.min(...this.waiters.map((w) => w.request.cost), ...placed)
  }

  /** True while some usable server's speed is not measured yet. */
  private someSpeedUnknown(): boolean {
    return this.directory.list().some((s) => this.unmeasured(s.id))
  }

  /** A usable server whose speed is not measured yet. */
  private unmeasured(serverId: string): boolean {
    return this.directory.isUsable(serverId) && !this.estimates.speedKnown(serverId)
  }

  /**
   * True while a usable server runs a prompt of ours and its speed is not measured yet: its first steps
   * are due (a fraction of a second), so the long runs wait for them. Their GPUs lose nothing meanwhile:
   * each keeps the prompt pre-queued in its second slot.
   */
  private probing(): boolean {
    return this.directory.list().some((s) => this.unmeasured(s.id) && this.leasesOn(s.id).size > 0)
  }

  /**
   * Waiting runs in the order they get free slots: urgent first, then the runs fewer servers can run
   * (scarcity.ts: their GPUs are theirs first), then the longest (run-order.ts). With every run able to run
   * everywhere (S1–S3, S5, S6) this is the longest-first order alone.
   */
  private scarcityOrder(): Array<WaitingRun & { waiter: Waiter }> {
    const loads = this.loads()
    const runs = this.waiters.map((waiter) => ({
      waiter,
      request: waiter.request,
      servers: capableServers(waiter.request, loads),
    }))
    return runs.sort(
      (a, b) => urgency(a.request) - urgency(b.request) || compareScarcity(a, b) || compareWaiting(a.request, b.request)
    )
  }

  private stillWaiting<T extends { waiter: Waiter }>(runs: T[]): T[] {
    return runs.filter((r) => this.waiters.includes(r.waiter))
  }

  private place(waiter: Waiter, choice: ServerLoad | null): void {
    if (choice === null) return
    this.waiters = this.waiters.filter((w) => w !== waiter)
    waiter.resolve(this.add(choice.server.id, waiter.request))
  }

  /** Idle usable server + a prompt of ours queued but not started elsewhere → move it (one at a time per prompt). */
  private rebalance(): void {
    const loads = this.loads()
    const now = Date.now()
    for (const load of loads) {
      if (load.inUse > 0 || !load.usable) this.idleSince.delete(load.server.id)
      else if (!this.idleSince.has(load.server.id)) this.idleSince.set(load.server.id, now)
    }
    if (this.waiters.length > 0) return
    const idleServers = loads.filter((l) => l.usable && l.inUse === 0 && l.server.slots >= 1)
    for (const idle of idleServers) {
      const victim = this.pickVictim(idle, loads)
      if (victim !== null) return this.steal(victim, idle.server.id, victim.stealHandler)
    }
    for (const idle of idleServers) {
      if (now - (this.idleSince.get(idle.server.id) ?? now) < RESTART_IDLE_MS) continue
      const victim = this.pickRunningVictim(idle, loads)
      if (victim !== null) return this.steal(victim, idle.server.id, victim.restartHandler)
    }
  }

  /** The running prompt the idle server would finish soonest relative to where it is, if the gain is clear. */
  private pickRunningVictim(idle: ServerLoad, loads: ServerLoad[]): Lease | null {
    if (idle.rate === null) return null
    let victim: Lease | null = null
    let bestGain = 0
    for (const load of loads) {
      if (load.server.id === idle.server.id || load.rate === null) continue
      for (const lease of this.leasesOn(load.server.id)) {
        if (lease.state !== 'running' || lease.stealing || lease.evacuating || lease.restartHandler === null) continue
        if (Date.now() - lease.lastStealAt < STEAL_COOLDOWN_MS) continue
        if (!allowed(lease.request, idle.server) || !capable(lease.request, idle.server)) continue
        const remainingThere = (lease.request.cost * (1 - lease.progress)) / load.rate
        // Its whole work here, and the load of its models when they are not here (placement.ts).
        const wholeHere = expectedFinish(lease.request, idle, idle.rate)
        const gain = remainingThere - (wholeHere * RESTART_GAIN + RESTART_MARGIN_MS)
        if (gain > bestGain) {
          bestGain = gain
          victim = lease
        }
      }
    }
    return victim
  }

  private pickVictim(idle: ServerLoad, loads: ServerLoad[]): Lease | null {
    let victim: Lease | null = null
    let worstWait = 0
    for (const load of loads) {
      if (load.server.id === idle.server.id) continue
      for (const lease of this.leasesOn(load.server.id)) {
        if (lease.state !== 'queued' || lease.stealing || lease.evacuating || lease.stealHandler === null) continue
        if (Date.now() - lease.lastStealAt < STEAL_COOLDOWN_MS) continue
        if (!allowed(lease.request, idle.server) || !capable(lease.request, idle.server)) continue
        // The longer it would still wait where it is, the more moving it helps.
        const wait = load.remainingCost / (load.rate ?? 1) + 1
        // Never onto a server that would finish it later than where it waits (a long run on a slow GPU).
        // An unmeasured server counts as average, in the same units (cost per ms) as the idle one.
        const finishThere = load.remainingCost / (load.rate ?? fallbackRate(loads))
        // A model load counts (S3: idle GPUs took queued prompts of another model and reloaded each time).
        if (idle.rate !== null && expectedFinish(lease.request, idle, idle.rate) > finishThere) continue
        if (wait > worstWait) {
          worstWait = wait
          victim = lease
        }
      }
    }
    return victim
  }

  private steal(victim: Lease, targetServerId: string, handler: StealHandler | null): void {
    if (handler === null) return
    victim.stealing = true
    victim.lastStealAt = Date.now()
    const target = this.add(targetServerId, victim.request)
    target.state = 'placing'
    handler(target)
      .then((moved) => {
        if (!moved) this.release(target)
      })
      .catch(() => this.release(target))
      .finally(() => {
        victim.stealing = false
        this.onChange()
      })
  }
}
