/**
 * Keeps the cache and the UI in step with the engine: live progress from the worker's side channel,
 * state from `get_status` for runs on remote workers, completion from the workflow result, and the
 * discovery of a batch's child runs. Works after a restart too (runs still open are picked up again).
 */
import { setMaxListeners } from 'node:events'
import type { BatchSummary, RunProgressEvent, RunSummary } from '../../src-shared/contract/bridge'
import type { ApiPrompt, NodeStatus, OutputRef, RunEvent, RunState, RunStatus } from '../../src-shared/contract/runs'
import { RUN_WORKFLOW, type BatchSweep } from '../../src-shared/temporal/contract'
import type { Cache } from '../cache'
import type { EventHub } from '../core/event-hub'
import { extractRunMetadata } from '../intake'
import type { FleetLookup } from './fleet-lookup'
import { BatchStore } from './batch-store'
import { BatchTracker } from './batch-tracker'
import type { RunClient } from './run-client'
import { applyProgressEvent, applyStatusSnapshot, newLiveRun, type LiveRun } from './live-run'
import { finalNodes, mergeNodes } from '../../src-shared/runs/node-states'
import { endOf } from './run-outcome'
import { isFinal } from './run-states'
import { fetchMissingOutputs } from './output-fetch'
import { FarmRunDiscovery } from './farm-run-discovery'
import { TrailingThrottle } from '../../src-shared/timing/trailing-throttle'
import { withQueryDeadline } from '../temporal/query-deadline'

/** Long-poll result() watchers at once; beyond that, the 1-s visibility poll finalizes runs. */
const MAX_WATCHERS = 64
const POLL_MS = 1000
/**
 * A run with no side-channel event for this long is asked for its status (a query: a task for a worker).
 * With remote workers that is how progress is seen at all; with only our own worker (embedded Temporal)
 * the side channel already says everything, so the query is a rare fallback.
 */
const STALE_MS = { remote: 3_000, local: 30_000 }
const MAX_STATUS_QUERIES_PER_TICK = 16
const PROGRESS_WRITE_GAP_MS = 1000
/**
 * A node change reaches the cache's row at most this often: a short run's 10–20 node events within a few ms
 * were as many row writes. The UI reads an open run's live state from memory (withLive, liveNodes), so the
 * row only has to catch up, and the end of a run writes its final state anyway.
 */
const NODE_WRITE_GAP_MS = 250
/** A finished run whose output files could not be fetched yet (its server is down) is tried again this often. */
const OUTPUT_RETRY_MS = 5000

/** A closed run's final node states and ComfyUI events. */
interface ClosedState {
  nodes: Record<string, NodeStatus>
  events: RunEvent[]
}

export interface RunTrackerDeps {
  runs: () => RunClient | null
  cache: Cache
  hub: EventHub
  fleet: FleetLookup
  log: (message: string) => void
  /** True when every worker is ours (embedded Temporal): live state comes over the side channel. */
  localWorkersOnly?: () => boolean
}

export class RunTracker {
  private readonly live = new Map<string, LiveRun>()
  private watchers = 0
  private timer: NodeJS.Timeout | null = null
  private polling = false
  private readonly batchStore: BatchStore
  private readonly batches: BatchTracker
  /**
   * One controller per call in flight, aborted on stop. Per call, not one shared signal: the SDK adds
   * an 'abort' listener for every call made under a signal and never removes it, so a long-lived
   * shared signal would keep every finished call alive (main grew ~90 KB per run).
   */
  private readonly inFlight = new Set<AbortController>()
  private stopped = false
  /**
   * Each open run's progress-row writes: a write held back by the gap goes out at its end (the last step must
   * reach the cache too). Closed, with what waits dropped, once the run's end is being recorded: no progress
   * row may be written over it.
   */
  private readonly progressWrites = new Map<string, TrailingThrottle>()
  private readonly farmRuns = new FarmRunDiscovery()

  constructor(private readonly deps: RunTrackerDeps) {
    this.batchStore = new BatchStore(deps.cache.db)
    this.batches = new BatchTracker(this.batchStore, deps.cache, deps.hub)
  }

  /** Pick up runs and batches that were open when the app stopped, and start polling. */
  start(): void {
    this.stopped = false
    for (const run of this.deps.cache.runs.listActive()) this.track(run.id, run.workflowId, run.status, run.serverId)
    this.batches.load()
    this.timer = setInterval(() => void this.poll(), POLL_MS)
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.stopped = true
    for (const writes of this.progressWrites.values()) writes.close('drop')
    this.progressWrites.clear()
    for (const c of this.inFlight) c.abort()
    this.inFlight.clear()
  }

  /** Every Temporal call of the tracker goes through here, so stop() can cancel it. */
  private async call<T>(client: RunClient, fn: () => Promise<T>): Promise<T> {
    const controller = new AbortController()
    // Sequential calls under one poll each add a listener to this signal: expected, not a leak.
    setMaxListeners(64, controller.signal)
    this.inFlight.add(controller)
    try {
      return await client.client.withAbortSignal(controller.signal, fn)
    } finally {
      this.inFlight.delete(controller)
    }
  }

  recordNewRun(run: {
    id: string
    workflowId: string
    name: string
    prompt: ApiPrompt
    workflow: unknown
    batchId: string | null
  }): void {
    const meta = extractRunMetadata(run.prompt, null)
    if (!this.deps.cache.runs.getSummary(run.id)) {
      this.deps.cache.runs.insertRun({
        id: run.id,
        workflowId: run.workflowId,
        name: run.name,
        createdAt: Date.now(),
        status: 'pending',
        batchId: run.batchId,
        prompt: run.prompt,
        workflow: run.workflow ?? null,
        positive: meta.positivePrompt,
        negative: meta.negativePrompt,
        seed: meta.seeds[0] ?? null,
        models: meta.models,
      })
    }
    this.track(run.id, run.workflowId, 'pending', null)
    this.emitSummary(run.id)
  }

  recordNewBatch(b: { id: string; name: string; prompt: ApiPrompt; workflow: unknown; sweep: BatchSweep }): void {
    this.batches.record(b)
  }

  /** The worker's live side channel: every step reaches the UI; the cache is written at node changes. */
  onProgress(e: RunProgressEvent & { serverId: string | null }): void {
    let live = this.live.get(e.runId)
    if (!live) {
      if (!this.discoverChild(e.runId)) return
      live = this.live.get(e.runId)!
    }
    const { statusChanged, nodeChanged } = applyProgressEvent(live, e, Date.now())
    this.deps.hub.emit('runs:progress', e)
    if (statusChanged) this.writeStatus(e.runId, live)
    const writes = this.progressWritesOf(e.runId)
    if (statusChanged) writes?.now()
    else writes?.request(nodeChanged ? NODE_WRITE_GAP_MS : PROGRESS_WRITE_GAP_MS)
    if (statusChanged || nodeChanged) this.emitSummary(e.runId)
  }

  /** Summary with the live fields (progress, current node) laid over the cached row. */
  withLive<T extends RunSummary>(row: T): T {
    const live = this.live.get(row.id)
    if (!live) return row
    return {
      ...row,
      status: live.status,
      progress: live.progress,
      currentNode: live.currentNode,
      nodeProgress: live.nodeProgress,
    }
  }

  liveNodes(runId: string): Record<string, NodeStatus> | null {
    return this.live.get(runId)?.nodes ?? null
  }

  /** ComfyUI events of a run from its workflow (open runs); closed runs have theirs in the cache. */
  async events(run: RunSummary): Promise<RunEvent[]> {
    const client = this.deps.runs()
    if (!this.live.has(run.id)) return this.batchStore.runEvents(run.id)
    if (!client) return []
    try {
      return await this.call(client, () => client.getEvents(run.workflowId))
    } catch {
      return []
    }
  }

  /** Resolves true once the run is completed, failed or cancelled; false after timeoutMs. */
  waitFinished(runId: string, timeoutMs: number): Promise<boolean> {
    const row = this.deps.cache.runs.getSummary(runId)
    if (row && isFinal(row.status)) return Promise.resolve(true)
    return new Promise((resolve) => {
      const off = this.deps.hub.subscribe((channel, payload) => {
        if (channel !== 'runs:changed') return
        const s = payload as RunSummary
        if (s.id !== runId || !isFinal(s.status)) return
        off()
        clearTimeout(timer)
        resolve(true)
      })
      const timer = setTimeout(() => {
        off()
        resolve(false)
      }, timeoutMs)
    })
  }

  activeCount(): number {
    return this.live.size
  }

  private track(runId: string, workflowId: string, status: RunState, serverId: string | null): void {
    if (this.live.has(runId)) return
    this.live.set(runId, newLiveRun(workflowId, status, serverId))
    this.watch(runId)
  }

  private watch(runId: string): void {
    const live = this.live.get(runId)
    const client = this.deps.runs()
    if (!live || live.watched || !client || this.watchers >= MAX_WATCHERS) return
    live.watched = true
    this.watchers++
    void this.finalize(runId).finally(() => {
      this.watchers--
      live.watched = false
      this.watchNext()
    })
  }

  private watchNext(): void {
    for (const [id, l] of this.live) {
      if (this.watchers >= MAX_WATCHERS) return
      if (!l.watched && !l.finalizing) this.watch(id)
    }
  }

  /** Wait for the run's result and record its end; a lost connection leaves it tracked for later. */
  private async finalize(runId: string): Promise<void> {
    const live = this.live.get(runId)
    const client = this.deps.runs()
    if (!live || !client || live.finalizing) return
    live.finalizing = true
    try {
      const r = await this.call(client, () => client.result(live.workflowId))
      const server = this.deps.fleet.list().find((s) => s.id === r.serverId)
      if (!(await this.bringOutputs(runId, r.serverAddress ?? server?.address ?? null, r.outputs))) return
      const closed = r.nodes && r.events ? { nodes: r.nodes, events: r.events } : undefined
      await this.finish(
        runId,
        {
          status: 'completed',
          finishedAt: r.finishedAt,
          outputs: r.outputs,
          startedAt: r.startedAt,
          serverId: r.serverId,
          serverName: r.serverName,
          gpu: server?.health.device?.name ?? null,
          error: null,
          promptId: r.promptId,
          attempt: r.attempt,
        },
        closed
      )
    } catch (e) {
      const ended = endOf(e)
      if (ended)
        await this.finish(runId, { status: ended.status, finishedAt: Date.now(), outputs: [], error: ended.error })
      else {
        // Not a closed workflow: the connection was lost, or recording the end failed. Either way the run is
        // tried again, but a failure to record is said, not swallowed (a run stuck 'running' with no word).
        if (!(e instanceof Error && /connect|unavailable|deadline/i.test(e.message)))
          this.deps.log(`could not record the end of ${runId} yet: ${e instanceof Error ? e.message : String(e)}`)
        live.finalizing = false
      }
    }
  }

  /**
   * A run executed by a worker on another host left its files there: fetch them from its server. When
   * that fails (server down) the run stays tracked and is tried again later, also after a restart.
   */
  private async bringOutputs(runId: string, address: string | null, outputs: OutputRef[]): Promise<boolean> {
    const fetched = await fetchMissingOutputs(this.deps.cache.images, address, outputs)
    if (fetched.ok) return true
    const closed = this.live.get(runId)
    if (closed) closed.closed = true
    this.deps.log(
      `outputs of ${runId} not fetched yet (retrying in ${OUTPUT_RETRY_MS / 1000} s): ${fetched.error.message}`
    )
    // Stays `finalizing` until the retry, so neither the watch loop nor the poll spins on it meanwhile.
    setTimeout(() => {
      const live = this.live.get(runId)
      if (!live || this.stopped) return
      live.finalizing = false
      this.watch(runId)
    }, OUTPUT_RETRY_MS).unref()
    return false
  }

  /** Records a run's end; `known` is its final state when the result carried it (otherwise it is queried). */
  private async finish(runId: string, f: Parameters<Cache['finishRun']>[1], known?: ClosedState): Promise<void> {
    const live = this.live.get(runId)
    this.progressWritesOf(runId)?.close('drop')
    const closed = known ?? (live ? await this.closedState(live.workflowId) : null)
    const nodes = live ? finalNodes(mergeNodes(live.nodes, closed?.nodes ?? {}), f.status) : undefined
    if (closed) this.batchStore.saveRunEvents(runId, closed.events)
    const r = await this.deps.cache.finishRun(runId, { ...f, nodes })
    if (!r.ok) this.deps.log(`could not record the end of ${runId}: ${r.error.message}`)
    this.live.delete(runId)
    this.progressWrites.delete(runId)
    this.emitSummary(runId)
  }

  /** The closed workflow's last get_status and get_events (its nodes include cached ones); null if unavailable. */
  private async closedState(workflowId: string): Promise<ClosedState | null> {
    const client = this.deps.runs()
    if (!client) return null
    try {
      return await this.call(client, async () => ({
        nodes: (await client.getStatus(workflowId)).nodes,
        events: await client.getEvents(workflowId),
      }))
    } catch {
      return null
    }
  }

  private async poll(): Promise<void> {
    const client = this.deps.runs()
    const remote = this.deps.localWorkersOnly?.() === false
    const discover = remote && this.farmRuns.due()
    if (this.polling || !client || this.stopped) return
    if (!discover && this.live.size === 0 && this.batches.size === 0) return
    this.polling = true
    try {
      await this.call(client, async () => {
        if (discover) await this.discoverFarmRuns(client)
        if (this.batches.size > 0) await this.discoverChildren(client)
        await this.finalizeClosed(client)
        await this.refreshStale(client)
        await this.batches.refresh(client, (id) => {
          if (!this.live.has(id) && !this.deps.cache.runs.getSummary(id)) this.discoverChild(id)
        })
      })
    } catch (e) {
      this.deps.log(`run tracker poll failed: ${(e as Error).message}`)
    } finally {
      this.polling = false
    }
  }

  /** Closed runs we track but do not watch (more than MAX_WATCHERS open at once). */
  private async finalizeClosed(client: RunClient): Promise<void> {
    const unwatched = [...this.live.entries()].filter(([, l]) => !l.watched && !l.finalizing)
    if (unwatched.length === 0) return
    const byWorkflow = new Map(unwatched.map(([id, l]) => [l.workflowId, id]))
    const query = `WorkflowType = '${RUN_WORKFLOW}' AND ExecutionStatus != 'Running' AND CloseTime > '${new Date(Date.now() - 120_000).toISOString()}'`
    for await (const info of client.client.workflow.list({ query })) {
      const runId = byWorkflow.get(info.workflowId)
      if (runId) void this.finalize(runId)
    }
  }

  /** Runs with no live events (remote worker, or still queued): ask the workflow. */
  private async refreshStale(client: RunClient): Promise<void> {
    const now = Date.now()
    const local = this.deps.localWorkersOnly?.() === true
    const staleMs = local ? STALE_MS.local : STALE_MS.remote
    // A remote run awaits its result the whole time it runs: query it anyway, or its live state is never seen.
    const stale = [...this.live.entries()].filter(
      ([, l]) => !l.closed && (!local || !l.finalizing) && now - l.lastEventAt > staleMs
    )
    // At once and each bounded: a run whose worker just died must not hold the others' live state.
    const queries = stale.slice(0, MAX_STATUS_QUERIES_PER_TICK).map(async ([runId, live]) => {
      live.lastEventAt = now
      try {
        this.applyStatus(runId, live, await withQueryDeadline(client.client, () => client.getStatus(live.workflowId)))
      } catch {
        // Not picked up by a worker yet, closing, or its worker is gone: the result watcher will tell.
      }
    })
    await Promise.all(queries)
  }

  /** A `get_status` snapshot (remote worker): cached, and sent on the same live channel as our worker's events. */
  private applyStatus(runId: string, live: LiveRun, s: RunStatus): void {
    const before = progressKey(live)
    const statusChanged = applyStatusSnapshot(live, s)
    if (statusChanged) this.writeStatus(runId, live)
    if (progressKey(live) !== before) {
      this.progressWritesOf(runId)?.now()
      this.deps.hub.emit('runs:progress', snapshotEvent(runId, live))
    }
    if (statusChanged) this.emitSummary(runId)
  }

  /** A batch's child run seen for the first time: record it with the prompt the batch gave it. */
  private discoverChild(runId: string): boolean {
    const row = this.deps.cache.runs.getSummary(runId)
    if (row) {
      if (isFinal(row.status)) return false
      this.track(runId, row.workflowId, row.status, row.serverId)
      return true
    }
    const child = this.batches.childOf(runId)
    if (!child) return false
    this.recordNewRun({ ...child, workflowId: child.id })
    return true
  }

  /** Remote Temporal: runs someone else started on the farm are recorded too (then tracked like ours). */
  private async discoverFarmRuns(client: RunClient): Promise<void> {
    const known = (id: string): boolean =>
      this.live.has(id) || this.deps.cache.runs.getSummary(id) !== null || this.batches.childOf(id) !== null
    for (const run of await this.farmRuns.discover(client, known)) {
      if (known(run.id)) continue
      // batchId null: its batch (if any) was started elsewhere and is not in this cache.
      this.recordNewRun({ ...run, workflowId: run.id, batchId: null })
    }
  }

  private async discoverChildren(client: RunClient): Promise<void> {
    for (const id of await this.batches.startedSince(client)) {
      if (!this.live.has(id) && !this.deps.cache.runs.getSummary(id)) this.discoverChild(id)
    }
  }

  batchSummaries(): BatchSummary[] {
    return this.batches.summaries()
  }

  private writeStatus(runId: string, live: LiveRun): void {
    const server = live.serverId ? this.deps.fleet.list().find((s) => s.id === live.serverId) : undefined
    this.deps.cache.runs.updateRunStatus(runId, {
      status: live.status,
      serverId: live.serverId,
      serverName: server?.name ?? live.serverName,
      gpu: server?.health.device?.name ?? null,
      ...(live.status === 'running' ? { startedAt: Date.now() } : {}),
    })
  }

  /** The run's progress-row throttle, made on first use; none once the tracker is stopped. */
  private progressWritesOf(runId: string): TrailingThrottle | undefined {
    if (this.stopped) return undefined
    let writes = this.progressWrites.get(runId)
    if (writes === undefined) {
      writes = new TrailingThrottle(() => this.writeProgress(runId), PROGRESS_WRITE_GAP_MS)
      this.progressWrites.set(runId, writes)
    }
    return writes
  }

  /** Writes the run's live progress to its row, the state as it is now. */
  private writeProgress(runId: string): void {
    const live = this.live.get(runId)
    if (!live) return
    this.deps.cache.runs.updateRunProgress(runId, {
      progress: live.progress,
      currentNode: live.currentNode,
      nodeProgress: live.nodeProgress,
      nodes: live.nodes,
    })
  }

  private emitSummary(runId: string): void {
    const row = this.deps.cache.runs.getSummary(runId)
    if (row) this.deps.hub.emit('runs:changed', this.withLive(row))
  }
}

function progressKey(live: LiveRun): string {
  return JSON.stringify([live.status, live.serverId, live.currentNode, live.nodeProgress, live.progress])
}

/** The live-channel event a status snapshot amounts to (what our own worker would have sent). */
function snapshotEvent(runId: string, live: LiveRun): RunProgressEvent & { serverId: string | null } {
  return {
    runId,
    serverId: live.serverId,
    nodeId: live.currentNode?.id ?? null,
    classType: live.currentNode?.classType ?? null,
    nodeState: live.currentNode ? 'running' : null,
    value: live.nodeProgress?.value ?? null,
    max: live.nodeProgress?.max ?? null,
    progress: live.progress,
  }
}
