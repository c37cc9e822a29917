/**
 * Follows one prompt on one server until it ends: WebSocket events for live progress, and a reconcile
 * poll (GET /history/{id}, GET /queue) every second, because ComfyUI buffers nothing for a socket that
 * was away (protocol §7.1). The poll also notices a server that forgot the prompt (it restarted).
 *
 * A slow answer is never "the server is gone": only the server's liveness record decides that
 * (src-shared/comfy/liveness.ts), so a prompt still running on a busy server is never resubmitted. A prompt
 * the socket saw succeed is done even when its history entry never appears (written late, cleared, lost):
 * its result is rebuilt from the socket's `executed` events.
 */
import type { ComfyHttpClient } from '../../src-shared/comfy/http-client'
import type { ServerLiveness } from '../../src-shared/comfy/liveness'
import type { HistoryEntry, PreviewFrame, WsMessage } from '../../src-shared/comfy/types'
import { ComfySocket } from '../../src-shared/comfy/ws-client'
import { queueState } from './locate'
import { idByMarker } from './prompt-match'
import { SocketRecord } from './socket-record'

export type TrackOutcome =
  | { kind: 'done'; entry: HistoryEntry }
  /** The server answers but has no record of the prompt (restarted, queue lost). */
  | { kind: 'lost' }
  /** The server stopped answering. */
  | { kind: 'unreachable'; reason: string }
  /** The prompt was moved to another server (work stealing). */
  | { kind: 'moved' }
  /** The prompt was taken off a server that is being removed; place it again elsewhere. */
  | { kind: 'evacuated' }

export interface TrackerHooks {
  onMessage(message: WsMessage): void
  onPreview(frame: PreviewFrame): void
  onStarted(): void
  /**
   * Whether a history entry is really the prompt we sent (it carries our graph, see prompt-match.ts).
   * A server may answer "success" for an id it is asked about without running it (hostile, or confused
   * after a restart): such an entry is not an end, and the prompt is tracked on. Default: trusted.
   */
  isOurs?(entry: HistoryEntry): boolean
}

const RECONCILE_MS = 1_000
/** Polls that must find the prompt nowhere (not queued, running or in history) before it counts as lost. */
const ABSENT_POLLS_FOR_LOST = 2
/** After a terminal event, how long history is waited for (a loaded server writes it late). */
const HISTORY_GRACE_MS = 10_000

export class PromptTracker {
  private socket: ComfySocket | null = null
  private timer: NodeJS.Timeout | null = null
  private settle: ((outcome: TrackOutcome) => void) | null = null
  private absentPolls = 0
  private outcome: TrackOutcome | null = null
  private polling = false
  private socketCounted = false
  /** What the socket told about the prompt's end, in case history never shows it. */
  private readonly seen = new SocketRecord()
  private ended = false
  /** Set when the socket dropped while tracking: frames may have been missed (ComfyUI buffers none). */
  private socketDropped = false
  /** Set while the prompt is being moved away: a missing prompt is expected then. */
  paused = false
  /** Set while the prompt is being stopped to move it: its interrupt events are not the run's outcome. */
  muted = false
  started = false
  /**
   * Poll at once when tracking starts (a reattach: the socket was away while the prompt ran). A fresh
   * submit opened its socket before the POST, so it has missed nothing: its first poll comes after
   * RECONCILE_MS, and a short run ends on its socket without the two extra requests to its server.
   */
  pollAtStart = true
  /**
   * Takes the socket of a prompt that ended well, for the next run on the server (spare-sockets.ts); null: the
   * socket is closed at the end. A socket that dropped, or a prompt that moved, vanished or failed, never goes back.
   */
  recycle: ((socket: ComfySocket) => void) | null = null

  /** The prompt_id the workflow made (travels as the marker in extra_data). */
  private readonly ourId: string

  constructor(
    readonly client: ComfyHttpClient,
    /** The id the server knows the prompt by (ours, or an old server's own: see {@link follow}). */
    public promptId: string,
    readonly clientId: string,
    private readonly hooks: TrackerHooks,
    private readonly liveness: ServerLiveness,
    /** Called when the server turns out to hold the prompt under an id of its own. */
    private readonly onServerId: (id: string) => void = () => undefined
  ) {
    this.ourId = promptId
  }

  /**
   * An old server (before ComfyUI PR #8189) ignored our prompt_id and answered with its own: follow that.
   * Frames that arrived for it before the answer came are replayed.
   */
  follow(serverPromptId: string): void {
    if (serverPromptId === this.promptId) return
    this.promptId = serverPromptId
    for (const message of this.seen.takeForeign(serverPromptId)) this.onMessage(message)
  }

  /** Opens the WebSocket, or takes over an open one under our client id (before the POST, so no event is missed). */
  async connect(open?: ComfySocket): Promise<void> {
    const socket = open ?? new ComfySocket(this.client.address, this.clientId)
    socket.on('message', (m) => {
      this.liveness.noteSign()
      this.onMessage(m)
    })
    socket.on('preview', (p) => {
      this.liveness.noteSign()
      if (p.promptId === null || p.promptId === this.promptId) this.hooks.onPreview(p)
    })
    socket.on('close', () => {
      this.socketDropped = true
      this.uncountSocket()
      void this.reconnect()
    })
    if (open === undefined) await socket.open()
    if (this.ended) return socket.close()
    this.socket = socket
    this.socketCounted = true
    this.liveness.socketOpened()
  }

  /** Resolves when the prompt ended, vanished, moved, or its server is gone. */
  track(): Promise<TrackOutcome> {
    return new Promise<TrackOutcome>((resolve) => {
      // It may have ended before tracking began (a short prompt finished while POST /prompt was answering).
      if (this.outcome !== null) return resolve(this.outcome)
      this.settle = resolve
      this.timer = setInterval(() => void this.reconcile(), RECONCILE_MS)
      if (this.pollAtStart) void this.reconcile()
    })
  }

  get isEnded(): boolean {
    return this.ended
  }

  /** Ends tracking with `outcome` (used by the mover and on cancellation). */
  end(outcome: TrackOutcome): void {
    if (this.ended) return
    this.ended = true
    this.outcome = outcome
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    const socket = this.socket
    this.socket = null
    this.uncountSocket()
    if (socket !== null && outcome.kind === 'done' && !this.socketDropped && this.recycle !== null) this.recycle(socket)
    else socket?.close()
    this.settle?.(outcome)
  }

  private uncountSocket(): void {
    if (!this.socketCounted) return
    this.socketCounted = false
    this.liveness.socketClosed()
  }

  private onMessage(message: WsMessage): void {
    if (this.ended || this.muted) return
    if (!this.isOurs(message)) return this.seen.keepForeign(message)
    this.seen.note(message)
    if (message.type === 'execution_start' || (message.type === 'executing' && message.data.node !== null)) {
      this.markStarted()
    }
    this.hooks.onMessage(message)
    // Not execution_success: its history entry is written after it; `executing null` follows the write (§7.4).
    const terminal =
      (message.type === 'executing' && message.data.node === null) ||
      message.type === 'execution_error' ||
      message.type === 'execution_interrupted'
    if (!terminal) return
    const whole = this.wholeRecord()
    if (whole !== null) return this.end({ kind: 'done', entry: whole })
    void this.collect()
  }

  /**
   * The socket's record is the result, without asking history, when it saw the whole run: opened before the
   * POST and never dropped, and the server ran the prompt under our prompt_id (ComfyUI from 2025-07, which
   * sends `executed` for cached output nodes too) from execution_start to execution_success. `executing null`
   * comes after the history write, so history would only repeat it, and asking cost every short run ≈2.5 ms
   * on an idle server and the server's CPU for the answer (issue #17 item 6). Anything less, or an error,
   * is read from history as before.
   */
  private wholeRecord(): HistoryEntry | null {
    if (this.pollAtStart || this.socketDropped || this.promptId !== this.ourId) return null
    return this.seen.whole(this.promptId)
  }

  private isOurs(message: WsMessage): boolean {
    if (message.type === 'status' || message.type === 'feature_flags') return false
    const promptId = (message.data as { prompt_id?: string }).prompt_id
    // A reconnect's `executing` carries no prompt_id; this socket's client id is ours alone.
    return promptId === undefined || promptId === this.promptId
  }

  private markStarted(): void {
    if (this.started) return
    this.started = true
    this.hooks.onStarted()
  }

  /**
   * After a terminal event: history is written after it (protocol §7.4; late on a loaded server), so poll
   * for a while. If it never comes, the socket's record of the end is the result: a prompt that reported
   * execution_success is never run again.
   */
  private async collect(): Promise<void> {
    const deadline = Date.now() + HISTORY_GRACE_MS
    for (let wait = 50; !this.ended && Date.now() < deadline; wait = Math.min(wait * 2, 1_000)) {
      try {
        const entry = await this.ourHistory()
        if (entry !== null) return this.end({ kind: 'done', entry })
      } catch {
        // Slow or briefly unreachable: keep trying until the grace time is up.
      }
      await new Promise((r) => setTimeout(r, wait))
    }
    const rebuilt = this.seen.entry(this.promptId)
    if (rebuilt !== null) this.end({ kind: 'done', entry: rebuilt })
  }

  private async reconcile(): Promise<void> {
    if (this.ended || this.paused) return
    // Checked every tick, even while a poll hangs: a silent server is gone after its silence limit.
    if (this.liveness.verdict() === 'gone') return this.end({ kind: 'unreachable', reason: this.liveness.describe() })
    if (this.polling) return
    this.polling = true
    try {
      await this.pollOnce()
    } catch {
      // One failed poll says nothing by itself; the liveness record decides whether the server is gone.
      if (this.liveness.verdict() === 'gone') this.end({ kind: 'unreachable', reason: this.liveness.describe() })
    } finally {
      this.polling = false
    }
  }

  /** The server's history entry of the prompt, unless it is not the graph we sent (then: none yet). */
  private async ourHistory(): Promise<HistoryEntry | null> {
    const entry = await this.client.getHistory(this.promptId)
    if (entry === null || (this.hooks.isOurs?.(entry) ?? true)) return entry
    return null
  }

  /** History first: a finished prompt is found even while /queue is slow. */
  private async pollOnce(): Promise<void> {
    const entry = await this.ourHistory()
    if (entry !== null) return this.end({ kind: 'done', entry })
    const state = queueState(await this.client.getQueue(), this.promptId)
    if (state === 'running') this.markStarted()
    if (state !== null || this.paused) {
      this.absentPolls = 0
      return
    }
    // Not queued or running: it may have moved to history between the two reads.
    const late = await this.ourHistory()
    if (late !== null) return this.end({ kind: 'done', entry: late })
    if (this.paused) return
    const rebuilt = this.seen.entry(this.promptId)
    if (rebuilt !== null) return this.end({ kind: 'done', entry: rebuilt })
    // An old server whose POST answer never reached us holds it under its own id: find it by our marker.
    if (this.promptId === this.ourId) {
      const own = idByMarker(await this.client.getQueue(), await this.client.getRecentHistory(64), this.ourId)
      if (own !== null && own !== this.ourId) {
        this.follow(own)
        this.onServerId(own)
        return
      }
    }
    this.absentPolls += 1
    if (this.absentPolls >= ABSENT_POLLS_FOR_LOST) this.end({ kind: 'lost' })
  }

  /** The socket dropped: reopen with the same client id (events for this prompt go to that id only). */
  private async reconnect(): Promise<void> {
    this.socket = null
    if (this.ended) return
    for (let i = 0; i < 10 && !this.ended; i++) {
      await new Promise((r) => setTimeout(r, 300))
      try {
        await this.connect()
        return
      } catch {
        // Keep trying while the reconcile poll decides whether the server is gone.
      }
    }
  }
}
