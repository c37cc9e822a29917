/**
 * The live state of one prompt on a server, folded from ComfyUI's WebSocket events: node states, the
 * running node, step progress, and overall progress over the graph (sampler steps weigh more than a
 * plain node, so the bar moves at an even pace). Pure: the tracker feeds it, the reporter reads it.
 */
import type { ApiPrompt, NodeState, RunEvent } from '../../src-shared/contract/runs'
import type { WsMessage } from '../../src-shared/comfy/types'

export class RunProgress {
  readonly nodes: Record<string, NodeState> = {}
  current: { id: string; class_type: string } | null = null
  nodeProgress: { value: number; max: number } | null = null
  startedAt: number | null = null
  /** Set on a node change or a terminal event: the workflow should hear about it soon. */
  urgent = false
  /** Set on step progress: the workflow may hear about it at most once a second. */
  dirty = false
  private readonly weights: Record<string, number> = {}
  private readonly total: number
  private pendingEvents: RunEvent[] = []

  constructor(private readonly prompt: ApiPrompt) {
    let total = 0
    for (const [id, node] of Object.entries(prompt)) {
      this.nodes[id] = 'pending'
      const steps = node.inputs.steps
      this.weights[id] = typeof steps === 'number' && steps > 0 ? steps : 1
      total += this.weights[id]
    }
    this.total = Math.max(1, total)
  }

  get progress(): number {
    let done = 0
    for (const [id, state] of Object.entries(this.nodes)) {
      if (state === 'done' || state === 'cached') done += this.weights[id] ?? 1
    }
    if (this.current !== null && this.nodeProgress !== null && this.nodeProgress.max > 0) {
      done += ((this.weights[this.current.id] ?? 1) * this.nodeProgress.value) / this.nodeProgress.max
    }
    return Math.min(1, done / this.total)
  }

  /** Events since the last call (for get_events), without image bytes. */
  takeEvents(): RunEvent[] {
    const events = this.pendingEvents
    this.pendingEvents = []
    return events
  }

  /** Puts back events a failed signal did not deliver. */
  requeueEvents(events: RunEvent[]): void {
    this.pendingEvents = [...events, ...this.pendingEvents]
  }

  markStarted(at: number): void {
    if (this.startedAt === null) this.startedAt = at
  }

  /** Folds one message that belongs to our prompt. */
  apply(message: WsMessage, now: number): void {
    switch (message.type) {
      case 'execution_start':
        this.markStarted(message.data.timestamp ?? now)
        this.record(message, now)
        break
      case 'execution_cached':
        for (const id of message.data.nodes) if (id in this.nodes) this.nodes[id] = 'cached'
        this.record(message, now)
        break
      case 'executing':
        this.onExecuting(message.data.node)
        this.record(message, now)
        break
      case 'progress':
        this.nodeProgress = { value: message.data.value, max: message.data.max }
        this.dirty = true
        break
      case 'executed':
        if (message.data.node in this.nodes) this.nodes[message.data.node] = 'done'
        this.record(message, now)
        break
      case 'execution_error':
        if (message.data.node_id in this.nodes) this.nodes[message.data.node_id] = 'error'
        this.record(
          { type: 'execution_error', data: { ...message.data, traceback: message.data.traceback.slice(-5) } },
          now
        )
        break
      case 'execution_success':
      case 'execution_interrupted':
        this.record(message, now)
        break
      default:
        break
    }
  }

  /** A new attempt of the run (the last one failed or its server was lost): an event, so the log explains the gap. */
  retry(now: number, data: Record<string, unknown>): void {
    this.pendingEvents.push({ type: 'comfyfleet_retry', time: now, data })
    this.urgent = true
  }

  /** The prompt starts over on another server: every node is pending again; the move is an event. */
  restart(now: number, data: Record<string, unknown>): void {
    for (const id of Object.keys(this.nodes)) this.nodes[id] = 'pending'
    this.current = null
    this.nodeProgress = null
    this.startedAt = null
    this.pendingEvents.push({ type: 'comfyfleet_moved', time: now, data })
    this.urgent = true
  }

  /** A finished prompt: every node not cached or failed counts as done. */
  finish(): void {
    for (const id of Object.keys(this.nodes))
      if (this.nodes[id] === 'pending' || this.nodes[id] === 'running') this.nodes[id] = 'done'
    this.current = null
    this.nodeProgress = null
    this.urgent = true
  }

  private onExecuting(nodeId: string | null): void {
    if (this.current !== null && this.nodes[this.current.id] === 'running') this.nodes[this.current.id] = 'done'
    this.nodeProgress = null
    if (nodeId === null || !(nodeId in this.nodes)) {
      this.current = null
    } else {
      this.nodes[nodeId] = 'running'
      this.current = { id: nodeId, class_type: this.prompt[nodeId]?.class_type ?? 'unknown' }
    }
    this.urgent = true
  }

  private record(message: WsMessage, now: number): void {
    const data = { ...(message.data as Record<string, unknown>) }
    const time = typeof data.timestamp === 'number' ? data.timestamp : now
    this.pendingEvents.push({ type: message.type, time, data })
    this.urgent = true
  }
}
