/**
 * The execute activity: run one prompt exactly once somewhere on the farm.
 *
 * 1. Locate: ask the server in the heartbeat details, then every server, whether this prompt_id is
 *    queued, running or done there. Reattach if so (same client id, so events flow again).
 * 2. Otherwise take a slot on the best free capable server, record {server, prompt_id} in the heartbeat
 *    details, open the WebSocket, and only then POST the prompt with our prompt_id.
 * 3. Track it; a queued prompt may be moved to an idle server (delete, confirm gone, resubmit).
 * 4. Collect: outputs into the blob store, or a failure that names the node.
 * A server that stops answering fails the attempt (retryable); the retry lands elsewhere.
 */
import { Context } from '@temporalio/activity'
import { CancelledFailure } from '@temporalio/common'
import { modelsUsed } from '../../src-shared/comfy/capabilities'
import { ComfyUnreachableError } from '../../src-shared/comfy/errors'
import { ComfyHttpClient } from '../../src-shared/comfy/http-client'
import { ServerLiveness } from '../../src-shared/comfy/liveness'
import type { ComfySocket } from '../../src-shared/comfy/ws-client'
import { parseExecutionError } from '../../src-shared/comfy/ws-messages'
import type { HistoryEntry, ExecutionErrorData } from '../../src-shared/comfy/types'
import type { ApiPrompt } from '../../src-shared/contract/runs'
import type { WorkerServer } from '../../src-shared/contract/worker-protocol'
import { boundOutputs } from '../../src-shared/storage/payload-refs'
import { impossibleReason, promptCost, type PlacementRequest } from '../scheduler/placement'
import { isUrgent } from '../scheduler/run-order'
import type { Lease } from '../scheduler/slot-pool'
import { samplerNodeIds, StepClock } from '../scheduler/step-clock'
import type { ExecuteInput, ExecuteResult, PlacementRecord } from '../../src-shared/temporal/contract'
import type { EngineDeps } from './deps'
import {
  capabilityFailure,
  executionFailure,
  interruptedFailure,
  missingOutputsFailure,
  isOutOfMemory,
  unavailableFailure,
  validationFailure,
} from './failures'
import { locatePrompt, wasInterrupted, type LocateTarget } from './locate'
import { freshPrompt, MissingOutputs } from './fresh-prompt'
import { graphMatches, PROMPT_MARKER } from './prompt-match'
import { fileOutputs, type Prefetched, storeOutputs } from './outputs'
import { socketOrigin } from './socket-record'
import { OutputPrefetch } from './output-prefetch'
import { postedPrompt } from './posted-prompt'
import { stopPrompt } from './stop-prompt'
import { ProgressReporter } from './progress-reporter'
import { PromptTracker, type TrackOutcome } from './prompt-tracker'
import { RunProgress } from './run-progress'

const HEARTBEAT_EVERY_MS = 1_000
/** How long a finished prompt's outputs are waited for when its server stops answering. */
const OUTPUT_FETCH_PATIENCE_MS = 5 * 60_000

export class PromptExecution {
  private readonly ctx = Context.current()
  private request: PlacementRequest
  private readonly progress: RunProgress
  private readonly reporter: ProgressReporter
  private record: PlacementRecord | null
  private lease: Lease | null = null
  private tracker: PromptTracker | null = null
  /** The current tracker's output files, downloaded as its `executed` messages name them. */
  private prefetch: OutputPrefetch | null = null
  private heartbeatTimer: NodeJS.Timeout | null = null
  private startedLocal: number | null = null
  /** ms from execution_start to the first sampler step (step-clock.ts): a model load shows here. */
  private setupMs: number | null = null
  /** What is posted: the input's prompt, or, after its cached outputs were found gone, a fresh variant. */
  private posted: ApiPrompt
  private reranFresh = false

  constructor(
    private readonly deps: EngineDeps,
    private readonly input: ExecuteInput
  ) {
    this.posted = input.prompt
    this.request = {
      runId: input.runId,
      prompt: input.prompt,
      cost: promptCost(input.prompt),
      models: modelsUsed(input.prompt),
      servers: input.servers,
      excludeServers: input.excludeServers,
      minVramFree: input.minVramFree,
      priority: this.ctx.info.priority?.priorityKey,
    }
    this.progress = new RunProgress(input.prompt, (json) => deps.payloads.put(Buffer.from(json, 'utf8'), 'json'))
    const info = this.ctx.info
    const send =
      deps.sendProgress ??
      ((id, update) => this.ctx.client.workflow.getHandle(id).signal('comfyfleet_progress', update))
    this.reporter = new ProgressReporter(
      input.runId,
      info.attempt,
      (update) => send(info.workflowExecution?.workflowId ?? input.runId, update),
      deps.sink,
      this.progress
    )
    this.reporter.promptId = input.promptId
    const previous = info.heartbeatDetails as PlacementRecord | undefined
    this.record = previous?.promptId === input.promptId ? previous : null
    if (info.attempt > 1)
      this.progress.retry(Date.now(), { attempt: info.attempt, previous_server: previous?.serverId ?? null })
  }

  async run(): Promise<ExecuteResult> {
    // The SDK sends the first heartbeat at once and holds later ones for its throttle interval: an empty
    // first one would have delayed the placement record (the one that matters) and cost a round trip on
    // every run's path. With nothing recorded yet, place() sends the first; the timer covers a long wait.
    if (this.record !== null) this.heartbeat()
    this.heartbeatTimer = setInterval(() => this.heartbeat(), HEARTBEAT_EVERY_MS)
    this.reporter.start()
    try {
      return await this.execute()
    } catch (error) {
      if (this.ctx.cancellationSignal.aborted) await this.onCancelled()
      throw error
    } finally {
      if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer)
      this.reporter.stop()
      this.tracker?.end({ kind: 'lost' })
      this.prefetch?.dispose()
      this.releaseSlot()
      this.deps.reportSlots?.()
    }
  }

  /** Gives the server slot back to the pool (a later step that needs one places the run again). */
  private releaseSlot(): void {
    if (this.lease === null) return
    this.deps.pool.release(this.lease)
    this.lease = null
  }

  private heartbeat(): void {
    this.ctx.heartbeat(this.record ?? undefined)
  }

  private async execute(): Promise<ExecuteResult> {
    // Attempt 1 is the first time this prompt_id leaves the workflow: nothing to find yet.
    const found = this.ctx.info.attempt > 1 ? await this.cancellable(this.locate()) : null
    const ended = this.record?.endedWithoutHistory as HistoryEntry | undefined
    if (found?.state === 'done') {
      const done = await this.finishOrRerun(found.serverId, found.address, found.entry)
      if (done !== null) return done
    } else if (found === null && ended !== undefined && this.record !== null) {
      // It ended on its server before a crash, and that server kept no history of it: that is the result.
      const done = await this.finishOrRerun(this.record.serverId, this.record.address, ended)
      if (done !== null) return done
    } else if (found !== null && found !== undefined) {
      this.lease = this.deps.pool.adopt(found.serverId, this.request, found.state)
      this.place(found.serverId, found.address)
      if (found.promptId !== this.input.promptId) this.followServerId(found.promptId)
      this.deps.log(
        'info',
        `run ${this.input.runId}: reattached to ${found.state} prompt ${this.input.promptId} on ${found.serverId}`
      )
      await this.startTracking(false)
      const lease = this.lease
      lease.evacuateHandler = () => this.evacuate(lease)
    } else {
      await this.placeAndSubmit()
    }
    for (;;) {
      const tracker = this.tracker
      if (tracker === null || this.lease === null) throw new Error('internal: tracking without a lease')
      const outcome = await this.cancellable(tracker.track())
      const result = await this.handle(outcome, tracker)
      if (result !== null) return result
    }
  }

  /** Waits for a slot on the best capable server and submits there; fails at once if no server could ever run it. */
  private async placeAndSubmit(): Promise<void> {
    const impossible = impossibleReason(this.request, this.deps.directory.list())
    if (impossible !== null) {
      if (this.deps.ownsWholeFarm) throw capabilityFailure(impossible)
      throw unavailableFailure(
        `No server of this worker can run it (${capabilityFailure(impossible).message}); another worker may`
      )
    }
    // Shared task queue: never hold a run for a server that is down, disabled or being removed; give it
    // back at once (a retryable failure) so a worker with a healthy server takes it. The only worker of
    // the farm has nowhere to give it to, so it waits for a server as before.
    if (!this.deps.ownsWholeFarm && !this.deps.pool.runnableNow(this.request)) {
      throw unavailableFailure(
        `No healthy server of this worker can run it now (down, disabled or being removed); given back for another worker`
      )
    }
    this.lease = await this.deps.pool.acquire(this.request, this.ctx.cancellationSignal)
    await this.submit()
  }

  /** Acts on how tracking ended; null means keep going (the prompt moved and was resubmitted). */
  private async handle(outcome: TrackOutcome, tracker: PromptTracker): Promise<ExecuteResult | null> {
    const lease = this.lease
    if (lease === null) throw new Error('internal: no lease')
    switch (outcome.kind) {
      case 'done':
        this.keepIfFromSocket(outcome.entry)
        return await this.finishOrRerun(lease.serverId, tracker.client.address, outcome.entry)
      case 'moved':
        await this.submit()
        return null
      case 'evacuated':
        await this.placeElsewhere(lease)
        return null
      case 'lost':
        throw unavailableFailure(`${lease.serverId} lost prompt ${this.input.promptId} (restarted?); resubmitting`)
      case 'unreachable':
        this.deps.directory.markDown(lease.serverId, outcome.reason)
        this.deps.janitor.remember(lease.serverId, tracker.promptId, this.input.runId)
        throw unavailableFailure(`${lease.serverId} stopped answering: ${outcome.reason}`)
    }
  }

  private targets(): LocateTarget[] {
    const targets: LocateTarget[] = []
    const rec = this.record
    if (rec !== null) {
      const known = this.deps.directory.get(rec.serverId)?.address === rec.address
      targets.push({
        serverId: rec.serverId,
        address: rec.address,
        client: known ? this.deps.directory.client(rec.serverId) : new ComfyHttpClient(rec.address),
        liveness: known ? this.deps.directory.livenessOf(rec.serverId) : new ServerLiveness(),
        serverPromptId: rec.serverPromptId,
      })
    }
    for (const server of this.deps.directory.list()) {
      if (server.id === rec?.serverId) continue
      const { id, address } = server
      const liveness = this.deps.directory.livenessOf(id)
      targets.push({ serverId: id, address, client: this.deps.directory.client(id), liveness })
    }
    return targets
  }

  private locate(): ReturnType<typeof locatePrompt> {
    const hooks = {
      onGone: (t: LocateTarget, reason: string) => {
        this.deps.directory.markDown(t.serverId, reason)
        this.deps.janitor.remember(t.serverId, t.serverPromptId ?? this.input.promptId, this.input.runId)
      },
      isJanitorEntry: (t: LocateTarget, entry: HistoryEntry) =>
        wasInterrupted(entry) && this.deps.janitor.wasCleaned(t.serverId, entry.prompt[1]),
    }
    const signal = this.ctx.cancellationSignal
    return locatePrompt(this.targets(), this.input.promptId, this.input.prompt, hooks, signal)
  }

  /**
   * A result taken from the WebSocket goes into the heartbeat, so a retry does not run it again: history was
   * never written for a rebuilt one, and not read for a whole one (it would only have repeated it), so it
   * may be gone when a retry looks (cleared, evicted, the server restarted).
   */
  private keepIfFromSocket(entry: HistoryEntry): void {
    const origin = socketOrigin(entry)
    if (this.record === null || origin === null) return
    this.record = { ...this.record, endedWithoutHistory: { ...entry, outputs: fileOutputs(entry.outputs) } }
    this.heartbeat()
    if (origin === 'whole') return
    this.deps.log(
      'info',
      `run ${this.input.runId}: ${this.record.serverId} kept no history of prompt ${this.input.promptId}; its result comes from the WebSocket`
    )
  }

  /** An old server made its own prompt_id: follow it, and record it so a later attempt finds it. */
  private followServerId(serverPromptId: string): void {
    const rec = this.record
    if (rec === null) return
    this.record = { ...rec, serverPromptId }
    this.heartbeat()
    this.tracker?.follow(serverPromptId)
    this.deps.log(
      'warn',
      `run ${this.input.runId}: ${rec.serverId} ignores client prompt ids (ComfyUI before 2025-07); following its id ${serverPromptId}`
    )
  }

  private place(serverId: string, address: string, clientId = clientIdFor(this.input.promptId)): void {
    const server = this.deps.directory.get(serverId)
    this.record = { serverId, address, promptId: this.input.promptId, clientId }
    this.heartbeat()
    this.deps.janitor.forget(serverId, this.input.promptId)
    this.reporter.server = { id: serverId, name: server?.name ?? serverId, address }
    this.progress.urgent = true
    // Main hears of the new slot use (an IPC message, ≈0.7 ms of this process's time) once the POST that
    // follows a placement in this turn is under way, not before it on every run's path.
    setImmediate(() => this.deps.reportSlots?.())
  }

  private clientOf(serverId: string, address: string): ComfyHttpClient {
    return this.deps.directory.get(serverId)?.address === address
      ? this.deps.directory.client(serverId)
      : new ComfyHttpClient(address)
  }

  /** Records the placement (heartbeat) BEFORE the POST, then opens the socket and posts. */
  private async submit(): Promise<void> {
    const lease = this.lease
    const server = lease === null ? undefined : this.deps.directory.get(lease.serverId)
    if (lease === null || server === undefined) throw unavailableFailure('the chosen server was removed')
    const spare = this.deps.sockets?.take(server.address) ?? null
    this.place(server.id, server.address, spare?.clientId)
    const tracker = await this.startTracking(true, spare ?? undefined)
    // this.posted may be a fresh variant (outputs found gone); its references resolve the same way.
    const posted = postedPrompt({ ...this.input, prompt: this.posted }, this.deps.payloads)
    let answer
    try {
      answer = await tracker.client.postPrompt({
        prompt: posted.prompt,
        client_id: tracker.clientId,
        prompt_id: this.input.promptId,
        // The marker lets a retry find the prompt on a server that ignores client prompt ids.
        extra_data: { ...posted.extra_data, [PROMPT_MARKER]: this.input.promptId },
        // An urgent run takes the pre-queued slot's turn (never the running prompt's): ComfyUI's `front`.
        ...(isUrgent(this.request) ? { front: true } : {}),
      })
    } catch (error) {
      // No answer in time: the prompt may have landed on a busy server. Track it; the reconcile poll
      // finds it, or confirms over several polls that it never arrived.
      if (!(error instanceof ComfyUnreachableError && error.timedOut)) throw this.serverGone(server, error)
      answer = null
    }
    if (answer !== null && !answer.ok) {
      // 409: a newer ComfyUI already holds this prompt_id — it is ours; keep tracking it.
      if (answer.status !== 409) throw validationFailure(answer.body, server.name)
    }
    if (answer?.ok === true && answer.promptId !== this.input.promptId) this.followServerId(answer.promptId)
    lease.evacuateHandler = () => this.evacuate(lease)
    // With an idle GPU the prompt often starts before the POST answers: then it is running already.
    if (tracker.started) return
    this.deps.pool.setState(lease, 'queued')
    lease.stealHandler = (target) => this.moveTo(target)
  }

  private async startTracking(fresh: boolean, socket?: ComfySocket): Promise<PromptTracker> {
    const rec = this.record
    if (rec === null) throw new Error('internal: no placement')
    const known = this.deps.directory.get(rec.serverId)?.address === rec.address
    const liveness = known ? this.deps.directory.livenessOf(rec.serverId) : new ServerLiveness()
    const followId = rec.serverPromptId ?? rec.promptId
    const client = this.clientOf(rec.serverId, rec.address)
    this.prefetch?.dispose()
    const prefetch = new OutputPrefetch(client, this.deps.blobs)
    this.prefetch = prefetch
    const steps = new StepClock(samplerNodeIds(this.posted))
    // The socket's execution_start: the set-up before the first step is timed from it.
    let startAt: number | null = null
    const tracker = new PromptTracker(
      client,
      followId,
      rec.clientId,
      {
        onMessage: (m) => {
          if (m.type === 'executed') prefetch.start(m.data.output)
          if (m.type === 'execution_start') startAt = Date.now()
          if (m.type === 'progress') {
            // The GPU's speed, for placing the runs still waiting (scheduler/step-clock.ts).
            const ms = steps.onProgress(m.data.node, m.data.value, Date.now())
            if (ms !== null && known) this.deps.pool.recordStep(rec.serverId, ms)
            if (ms !== null && startAt !== null) this.setupMs ??= steps.setupMs(startAt, ms)
          }
          this.progress.apply(m, Date.now())
          // The pool's remaining-work estimate counts only what is left of a running prompt.
          if (this.lease !== null) this.lease.progress = this.progress.progress
          this.reporter.touched()
        },
        onPreview: (p) =>
          this.deps.sink.preview({
            runId: this.input.runId,
            nodeId: p.nodeId ?? this.progress.current?.id ?? null,
            mime: p.mime,
            dataBase64: p.bytes.toString('base64'),
          }),
        onStarted: () => this.onStarted(),
        isOurs: (entry) => graphMatches(this.posted, entry.prompt?.[2]),
      },
      liveness,
      (id) => this.followServerId(id)
    )
    tracker.pollAtStart = !fresh
    const sockets = this.deps.sockets
    if (known && sockets !== undefined) tracker.recycle = (s) => sockets.giveBack(rec.address, s)
    this.tracker = tracker
    try {
      await tracker.connect(socket)
    } catch (error) {
      const server = this.deps.directory.get(rec.serverId)
      // Reattaching without a socket still works through the reconcile poll; a fresh submit needs it.
      if (fresh && server !== undefined) throw this.serverGone(server, error)
    }
    return tracker
  }

  private onStarted(): void {
    this.startedLocal ??= Date.now()
    this.progress.markStarted(Date.now())
    this.reporter.state = 'running'
    this.progress.urgent = true
    const lease = this.lease
    if (lease !== null) {
      lease.stealHandler = null
      lease.restartHandler = (target) => this.restartOn(lease, target)
      this.deps.pool.setState(lease, 'running')
    }
  }

  private serverGone(server: WorkerServer, error: unknown): Error {
    const reason = error instanceof Error ? error.message : String(error)
    if (!(error instanceof ComfyUnreachableError)) return unavailableFailure(reason)
    // HTTP calls feed the liveness record themselves; a socket that could not open is told here.
    if (error.operation === 'WebSocket /ws') this.deps.directory.livenessOf(server.id).noteFailure(error)
    if (this.deps.directory.livenessOf(server.id).verdict() === 'gone') this.deps.directory.markDown(server.id, reason)
    // The POST may have landed before the connection broke: clean it up when the server is back.
    this.deps.janitor.remember(server.id, this.input.promptId, this.input.runId)
    return unavailableFailure(`${server.name} stopped answering: ${reason}`)
  }

  /** Work stealing: delete from the old server, confirm it is gone and not running, then resubmit on `target`. */
  private async moveTo(target: Lease): Promise<boolean> {
    const tracker = this.tracker
    const old = this.lease
    if (tracker === null || old === null || old.state !== 'queued' || tracker.started || tracker.paused) return false
    tracker.paused = true
    const id = tracker.promptId
    try {
      await tracker.client.deleteFromQueue([id])
      const queue = await tracker.client.getQueue()
      const stillThere = queue.queue_running.concat(queue.queue_pending).some((i) => i[1] === id)
      if (stillThere || tracker.started || (await tracker.client.getHistory(id)) !== null) {
        tracker.paused = false
        return false
      }
    } catch {
      tracker.paused = false
      return false
    }
    this.deps.log(
      'info',
      `run ${this.input.runId}: moved queued prompt from ${old.serverId} to idle ${target.serverId}`
    )
    this.deps.pool.release(old)
    this.lease = target
    tracker.end({ kind: 'moved' })
    return true
  }

  /**
   * The server is being removed: stop the prompt there (delete it from the queue, or interrupt it by
   * prompt_id and drop its history entry), then end tracking so the run is placed again elsewhere. A
   * prompt that finished before it could be stopped keeps its result.
   */
  private async evacuate(lease: Lease): Promise<void> {
    const tracker = this.tracker
    if (tracker === null || this.lease !== lease || tracker.isEnded || tracker.paused) return
    if (await this.stopHere(tracker)) tracker.end({ kind: 'evacuated' })
  }

  /**
   * Work stealing of a running prompt (the end of a batch, a fast server idle while a slow one still has
   * most of a prompt to go): stop it here, then resubmit it on `target` with the same prompt_id.
   */
  private async restartOn(lease: Lease, target: Lease): Promise<boolean> {
    const tracker = this.tracker
    if (tracker === null || this.lease !== lease || tracker.isEnded || tracker.paused) return false
    if (!(await this.stopHere(tracker))) return false
    this.deps.log(
      'info',
      `run ${this.input.runId}: restarted on idle ${target.serverId}, faster than ${lease.serverId}`
    )
    this.startOver(lease, 'a faster server was idle')
    this.lease = target
    tracker.end({ kind: 'moved' })
    return true
  }

  /**
   * Stops our prompt on the tracker's server: deletes it from the queue, interrupts it by prompt_id,
   * waits until it is neither queued nor running, and drops its history entry. False when tracking has
   * already ended meanwhile (it finished on its own first: that is its result; or the server is gone).
   */
  private async stopHere(tracker: PromptTracker): Promise<boolean> {
    tracker.paused = true
    tracker.muted = true
    try {
      const finished = await stopPrompt(tracker.client, tracker.promptId, { keepFinished: true })
      if (finished === null) return true
      tracker.end({ kind: 'done', entry: finished })
      return false
    } catch (error) {
      tracker.end({ kind: 'unreachable', reason: error instanceof Error ? error.message : String(error) })
      return false
    }
  }

  /** The prompt left `from` part-way: release it there and reset the run's node states (event `comfyfleet_moved`). */
  private startOver(from: Lease, reason: string): void {
    const wasRunning = from.state === 'running'
    this.deps.pool.release(from)
    this.lease = null
    this.startedLocal = null
    this.setupMs = null
    this.progress.restart(Date.now(), { from: from.serverId, reason, was_running: wasRunning })
    this.reporter.state = 'queued'
  }

  /** After an evacuation: the run starts over, placed on any other capable server. */
  private async placeElsewhere(from: Lease): Promise<void> {
    this.startOver(from, 'server removed')
    this.request = { ...this.request, excludeServers: [...(this.request.excludeServers ?? []), from.serverId] }
    this.deps.log('info', `run ${this.input.runId}: moved off ${from.serverId}, which is being removed`)
    await this.placeAndSubmit()
  }

  /**
   * finish(), but when the server no longer has the finished prompt's output files (ComfyUI answered from its
   * cache with files since cleaned from disk) the prompt runs again once with the cache defeated, and null
   * says to keep tracking it. See fresh-prompt.ts for why this and not a retry.
   */
  private async finishOrRerun(serverId: string, address: string, entry: HistoryEntry): Promise<ExecuteResult | null> {
    try {
      return await this.finish(serverId, address, entry)
    } catch (error) {
      if (!(error instanceof MissingOutputs)) throw error
      if (this.reranFresh) throw missingOutputsFailure(error, this.deps.directory.get(serverId)?.name ?? serverId)
      this.reranFresh = true
      const fresh = freshPrompt(this.posted, error, this.input.promptId)
      const client = this.clientOf(serverId, address)
      // The stale entry goes first: a retry of this attempt must not find it and fetch the same 404s.
      await client.deleteHistory([this.input.promptId])
      if (fresh.needsFree) await client.free({ unloadModels: false, freeMemory: true })
      this.posted = fresh.prompt
      this.deps.log('info', `run ${this.input.runId}: ${error.message}; running it again with the cache defeated`)
      this.progress.restart(Date.now(), { reason: 'cached outputs gone', serverId, missing: error.files })
      if (this.lease === null) await this.placeAndSubmit()
      else await this.submit()
      return null
    }
  }

  /** Turns a history entry into the result or the failure it describes. */
  private async finish(serverId: string, address: string, entry: HistoryEntry): Promise<ExecuteResult> {
    const server = this.deps.directory.get(serverId)
    const name = server?.name ?? serverId
    const messages = entry.status.messages
    const found = messages.find(([event]) => event === 'execution_error')
    // The server's own record, so not trusted: missing fields get defaults, a shapeless one a placeholder.
    const error =
      found && (parseExecutionError(found[1]) ?? parseExecutionError({ prompt_id: this.record?.promptId ?? '' }))
    if (error) {
      this.progress.apply({ type: 'execution_error', data: error }, Date.now())
      await this.reporter.flush()
      throw executionFailure(error, name, this.oomRetryFor(serverId, error))
    }
    if (wasInterrupted(entry)) {
      const data = messages.find(([event]) => event === 'execution_interrupted')?.[1] as
        { node_id?: string } | undefined
      throw interruptedFailure(data?.node_id ?? null, name)
    }
    if (this.startedLocal !== null) {
      const { cost, models } = this.request
      this.deps.pool.recordRun(serverId, cost, Date.now() - this.startedLocal, models, this.setupMs)
    }
    // The GPU is done with it: its slot goes to the next run now, not after the download and the report
    // (a short run is over before they are, and the GPU would then idle with nothing pre-queued; issue #17).
    this.releaseSlot()
    const outputs = await this.fetchOutputs(serverId, address, entry)
    const finishedAt = Date.now()
    this.progress.finish()
    this.reporter.stop()
    await this.reporter.settle()
    return {
      promptId: this.input.promptId,
      serverId,
      serverName: name,
      serverAddress: address,
      attempt: this.ctx.info.attempt,
      ...boundOutputs(outputs, this.deps.payloads),
      startedAt: this.progress.startedAt,
      finishedAt,
      events: this.progress.takeEvents(),
    }
  }

  /**
   * The prompt is done; its files outlive a server restart but its history entry does not, so a failed
   * download is retried here (for minutes) rather than failing the attempt, which would run it again.
   */
  private async fetchOutputs(
    serverId: string,
    address: string,
    entry: HistoryEntry
  ): Promise<ExecuteResult['outputs']> {
    const deadline = Date.now() + OUTPUT_FETCH_PATIENCE_MS
    const prefetch = this.prefetch?.client.address === address ? this.prefetch : null
    const prefetched: Prefetched = (file) => prefetch?.take(file) ?? Promise.resolve(null)
    for (;;) {
      try {
        return await storeOutputs(this.clientOf(serverId, address), this.deps.blobs, entry.outputs, prefetched)
      } catch (error) {
        if (!(error instanceof ComfyUnreachableError) || Date.now() > deadline) throw error
        this.deps.log('warn', `run ${this.input.runId}: outputs not reachable on ${serverId} yet: ${error.message}`)
        await this.cancellable(new Promise((r) => setTimeout(r, 1_000)))
      }
    }
  }

  /** OOM: retry once elsewhere, but only if some capable server has more free VRAM. */
  private oomRetryFor(
    serverId: string,
    error: ExecutionErrorData
  ): { serverId: string; vramFree: number | null } | undefined {
    if (!isOutOfMemory(error) || (this.input.excludeServers?.length ?? 0) > 0) return undefined
    const vramFree = this.deps.pool.vramFree(serverId)
    const better = this.deps.directory
      .list()
      .some((s) => s.id !== serverId && s.vramFree !== null && (vramFree === null || s.vramFree > vramFree))
    return better ? { serverId, vramFree } : undefined
  }

  /** Races `promise` with the activity's cancellation. */
  private cancellable<T>(promise: Promise<T>): Promise<T> {
    const signal = this.ctx.cancellationSignal
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void =>
        reject(signal.reason instanceof Error ? signal.reason : new CancelledFailure('cancelled'))
      if (signal.aborted) return onAbort()
      signal.addEventListener('abort', onAbort, { once: true })
      promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
    })
  }

  /**
   * Cancelled by the workflow (cancel signal or Temporal cancellation): stop it on ComfyUI — delete it
   * from the queue, interrupt it by prompt_id (never globally), drop its history entry. Cancelled for any
   * other reason (worker shutdown, heartbeat timeout, workflow gone): leave it, the next attempt reattaches.
   */
  private async onCancelled(): Promise<void> {
    if (this.ctx.cancellationDetails?.cancelRequested !== true) return
    const rec = this.record
    if (rec === null) return
    this.tracker?.end({ kind: 'lost' })
    const client = this.clientOf(rec.serverId, rec.address)
    const id = rec.serverPromptId ?? rec.promptId
    try {
      await stopPrompt(client, id, { keepFinished: false })
      this.deps.log('info', `run ${this.input.runId}: cancelled prompt ${id} on ${rec.serverId}`)
    } catch {
      this.deps.janitor.remember(rec.serverId, id, this.input.runId)
    }
  }
}

/** The WebSocket client id of a prompt: derived from it, so any later attempt can reopen the same socket. */
export function clientIdFor(promptId: string): string {
  return `comfyfleet-${promptId}`
}
