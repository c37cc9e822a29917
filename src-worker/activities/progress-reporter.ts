/**
 * Sends a run's state to its workflow as a throttled signal (a node change within ~500 ms, step progress
 * at most once a second for the first minute and every 10 s after, so history stays small) and to the live
 * side channel (≤10/s, and the latest state always goes out at the end of each 100 ms window).
 * Each signal is a full snapshot with a sequence number, so a lost or late one costs nothing.
 */
import { own } from '../../src-shared/runs/node-states'
import { TrailingThrottle } from '../../src-shared/timing/trailing-throttle'
import type { ProgressSink } from '../progress-sink'
import type { ProgressUpdate } from '../../src-shared/temporal/contract'
import type { RunProgress } from './run-progress'

const URGENT_GAP_MS = 500
const STEP_GAP_MS = 1_000
/**
 * Past the first minute, step progress reaches the workflow every 10 s: an hour-long video run at one signal a
 * second would leave ~14,000 history events, too many to replay within a workflow task after a worker restart.
 * The live channel (the UI) still sees every step.
 */
const LONG_RUN_AFTER_MS = 60_000
const LONG_STEP_GAP_MS = 10_000
const SINK_GAP_MS = 100

export type SendUpdate = (update: ProgressUpdate) => Promise<void>

export class ProgressReporter {
  private seq = 0
  private lastSignal = 0
  private startedAt = 0
  private inFlight: Promise<void> | null = null
  private timer: NodeJS.Timeout | null = null
  /** The live channel: a state that arrived inside the window goes out at its end. */
  private readonly live = new TrailingThrottle(() => this.sinkNow(), SINK_GAP_MS)
  /** The live channel's last {@link shownKey}. */
  private lastShown = ''
  state: ProgressUpdate['state'] = 'queued'
  server: ProgressUpdate['server'] = null
  promptId = ''

  constructor(
    private readonly runId: string,
    private readonly attempt: number,
    private readonly send: SendUpdate,
    private readonly sink: ProgressSink,
    public progress: RunProgress
  ) {}

  /**
   * The first snapshot goes out no sooner than URGENT_GAP_MS after the start: a short run then costs the
   * workflow no extra task at all (its result carries the final state), a long one is visible within a second.
   */
  start(): void {
    this.startedAt = this.lastSignal = Date.now()
    this.timer = setInterval(() => this.tick(), 100)
  }

  /**
   * Stops the timers; a live state still waiting for its window goes out now, so the last step shows, and
   * none after it (a message that arrives while the activity winds down is not sent after its end).
   */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    this.live.close()
  }

  /**
   * Called after every WebSocket message: drives the live channel, the workflow on the next tick. Real
   * ComfyUI sends progress_state, a preview and the step's progress within ~30 ms: a throttle that kept
   * only the first of a burst would never show the last step, so a state that arrives inside the window
   * is sent when the window ends (always the latest one, read then).
   */
  touched(): void {
    if (this.shownKey() !== this.lastShown) this.live.now()
    else this.live.request()
  }

  /**
   * What the live channel shows besides the step: the run's state and server, its current node and that
   * node's state. A change to it goes out at once, so the UI sees every node start and end. Not
   * `progress.urgent`: that says the *workflow* has news, and stays set until the next signal, which a run
   * shorter than URGENT_GAP_MS never sends, so every step of such a run went out as its own IPC message
   * (12–13 a 200 ms run instead of ≤10/s; issue #17 item 6).
   */
  private shownKey(): string {
    const node = this.progress.current
    const nodeState = node === null ? '' : (own(this.progress.nodes, node.id) ?? '')
    return `${this.state}|${this.server?.id ?? ''}|${node?.id ?? ''}|${nodeState}`
  }

  private sinkNow(): void {
    this.lastShown = this.shownKey()
    const node = this.progress.current
    this.sink.progress({
      runId: this.runId,
      runState: this.state,
      serverId: this.server?.id ?? null,
      nodeId: node?.id ?? null,
      classType: node?.class_type ?? null,
      nodeState: node === null ? null : (own(this.progress.nodes, node.id) ?? null),
      value: this.progress.nodeProgress?.value ?? null,
      max: this.progress.nodeProgress?.max ?? null,
      progress: this.progress.progress,
    })
  }

  /** Waits for a signal in flight (its events must not be sent twice). */
  async settle(): Promise<void> {
    if (this.inFlight !== null) await this.inFlight
  }

  /** Sends whatever changed now, and waits for it (before the activity fails). */
  async flush(): Promise<void> {
    if (this.inFlight !== null) await this.inFlight
    this.progress.urgent = true
    await this.signal()
  }

  private tick(): void {
    if (this.inFlight !== null) return
    const now = Date.now()
    const gap = now - this.lastSignal
    const stepGap = now - this.startedAt > LONG_RUN_AFTER_MS ? LONG_STEP_GAP_MS : STEP_GAP_MS
    if ((this.progress.urgent && gap >= URGENT_GAP_MS) || (this.progress.dirty && gap >= stepGap)) {
      void this.signal()
    }
  }

  private async signal(): Promise<void> {
    if (!this.progress.urgent && !this.progress.dirty) return
    this.progress.urgent = false
    this.progress.dirty = false
    this.lastSignal = Date.now()
    const events = this.progress.takeEvents()
    const update: ProgressUpdate = {
      seq: this.seq++,
      attempt: this.attempt,
      state: this.state,
      server: this.server,
      promptId: this.promptId,
      currentNode: this.progress.current,
      progress: this.progress.progress,
      nodeProgress: this.progress.nodeProgress,
      nodes: { ...this.progress.nodes },
      startedAt: this.progress.startedAt,
      events,
    }
    this.inFlight = this.send(update).catch(() => {
      // Temporal unreachable for a moment: keep the events for the next snapshot.
      this.progress.requeueEvents(events)
      this.progress.dirty = true
    })
    try {
      await this.inFlight
    } finally {
      this.inFlight = null
    }
  }
}
