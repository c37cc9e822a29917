/**
 * Follows one prompt on one server until it ends: WebSocket events for live progress, and a reconcile
 * poll (GET /queue, GET /history/{id}) every second, because ComfyUI buffers nothing for a socket that
 * was away (protocol §7.1). The poll also notices a server that forgot the prompt (it restarted) and a
 * server that stopped answering.
 */
import { ComfyUnreachableError } from '../../src-shared/comfy/errors'
import type { ComfyHttpClient } from '../../src-shared/comfy/http-client'
import type { HistoryEntry, PreviewFrame, WsMessage } from '../../src-shared/comfy/types'
import { ComfySocket } from '../../src-shared/comfy/ws-client'
import { queueState } from './locate'

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
}

const RECONCILE_MS = 1_000
/** Consecutive failed polls (about this many seconds) before the server counts as gone. */
const MAX_POLL_FAILURES = 2

export class PromptTracker {
  private socket: ComfySocket | null = null
  private timer: NodeJS.Timeout | null = null
  private settle: ((outcome: TrackOutcome) => void) | null = null
  private pollFailures = 0
  private polling = false
  private ended = false
  /** Set while the prompt is being moved away: a missing prompt is expected then. */
  paused = false
  /** Set while the prompt is being stopped to move it: its interrupt events are not the run's outcome. */
  muted = false
  started = false

  constructor(
    readonly client: ComfyHttpClient,
    readonly promptId: string,
    readonly clientId: string,
    private readonly hooks: TrackerHooks
  ) {}

  /** Opens the WebSocket, or takes over an open one under our client id (before the POST, so no event is missed). */
  async connect(open?: ComfySocket): Promise<void> {
    const socket = open ?? new ComfySocket(this.client.address, this.clientId)
    socket.on('message', (m) => this.onMessage(m))
    socket.on('preview', (p) => {
      if (p.promptId === null || p.promptId === this.promptId) this.hooks.onPreview(p)
    })
    socket.on('close', () => void this.reconnect())
    if (open === undefined) await socket.open()
    if (this.ended) return socket.close()
    this.socket = socket
  }

  /** Resolves when the prompt ended, vanished, moved, or its server is gone. */
  track(): Promise<TrackOutcome> {
    return new Promise<TrackOutcome>((resolve) => {
      this.settle = resolve
      this.timer = setInterval(() => void this.reconcile(), RECONCILE_MS)
      void this.reconcile()
    })
  }

  get isEnded(): boolean {
    return this.ended
  }

  /** Ends tracking with `outcome` (used by the mover and on cancellation). */
  end(outcome: TrackOutcome): void {
    if (this.ended) return
    this.ended = true
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    this.socket?.close()
    this.socket = null
    this.settle?.(outcome)
  }

  private onMessage(message: WsMessage): void {
    if (this.ended || this.muted || !this.isOurs(message)) return
    if (message.type === 'execution_start' || (message.type === 'executing' && message.data.node !== null)) {
      this.markStarted()
    }
    this.hooks.onMessage(message)
    // Not execution_success: its history entry is written after it; `executing null` follows the write (§7.4).
    const terminal =
      (message.type === 'executing' && message.data.node === null) ||
      message.type === 'execution_error' ||
      message.type === 'execution_interrupted'
    if (terminal) void this.collect()
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

  /** After a terminal event: history is written just after it (protocol §7.4), so poll briefly. */
  private async collect(): Promise<void> {
    for (let i = 0; i < 20 && !this.ended; i++) {
      try {
        const entry = await this.client.getHistory(this.promptId)
        if (entry !== null) return this.end({ kind: 'done', entry })
      } catch {
        return
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  private async reconcile(): Promise<void> {
    if (this.ended || this.polling || this.paused) return
    this.polling = true
    try {
      const state = queueState(await this.client.getQueue(), this.promptId)
      this.pollFailures = 0
      if (state === 'running') this.markStarted()
      if (state !== null || this.paused) return
      const entry = await this.client.getHistory(this.promptId)
      if (entry !== null) return this.end({ kind: 'done', entry })
      // Not queued, not running, no history: re-check once (it may have just moved from queue to history).
      const again = queueState(await this.client.getQueue(), this.promptId)
      const late = again === null ? await this.client.getHistory(this.promptId) : null
      if (again === null && late === null && !this.paused) this.end({ kind: 'lost' })
      else if (late !== null) this.end({ kind: 'done', entry: late })
    } catch (error) {
      this.pollFailures += 1
      const reason = error instanceof Error ? error.message : String(error)
      if (this.pollFailures >= MAX_POLL_FAILURES || (error instanceof ComfyUnreachableError && this.socket === null)) {
        this.end({ kind: 'unreachable', reason })
      }
    } finally {
      this.polling = false
    }
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
