/**
 * The live state of one prompt on a server, folded from ComfyUI's WebSocket events: node states, the
 * running node, step progress, and overall progress over the graph (sampler steps weigh more than a
 * plain node, so the bar moves at an even pace). Pure: the tracker feeds it, the reporter reads it.
 */
import type { ApiPrompt, NodeState, RunEvent } from '../../src-shared/contract/runs'
import type { WsMessage } from '../../src-shared/comfy/types'
import { samplerSteps } from '../../src-shared/comfy/prompt-cost'
import { boundEventData, newestEvents, type KeepPayload } from './event-bounds'
import {
  completedState,
  finiteProgress,
  hasOwnKey,
  own,
  safeRecord,
  startNodeState,
} from '../../src-shared/runs/node-states'

export class RunProgress {
  /** Null-prototype: a server's node id is only ever a key (see src-shared/runs/node-states). */
  readonly nodes: Record<string, NodeState> = safeRecord()
  current: { id: string; class_type: string } | null = null
  nodeProgress: { value: number; max: number } | null = null
  startedAt: number | null = null
  /** Set on a node change or a terminal event: the workflow should hear about it soon. */
  urgent = false
  /** Set on step progress: the workflow may hear about it at most once a second. */
  dirty = false
  private readonly weights = new Map<string, number>()
  private readonly total: number
  private pendingEvents: RunEvent[] = []

  constructor(
    private readonly prompt: ApiPrompt,
    /** Where an oversized event's full data is stored (none in pure tests: only the preview is kept). */
    private readonly keep?: KeepPayload
  ) {
    let total = 0
    for (const [id, node] of Object.entries(prompt)) {
      this.nodes[id] = 'pending'
      const weight = samplerSteps(node) || 1
      this.weights.set(id, weight)
      total += weight
    }
    this.total = Math.max(1, total)
  }

  get progress(): number {
    let done = 0
    for (const [id, state] of Object.entries(this.nodes)) {
      if (state === 'done' || state === 'cached') done += this.weights.get(id) ?? 1
    }
    const step = this.nodeProgress
    if (this.current !== null && step !== null && step.max > 0) {
      done += ((this.weights.get(this.current.id) ?? 1) * Math.min(step.value, step.max)) / step.max
    }
    return finiteProgress(done / this.total)
  }

  /** Events since the last call (for get_events), without image bytes; at most the newest the workflow keeps. */
  takeEvents(): RunEvent[] {
    const events = this.pendingEvents
    this.pendingEvents = []
    return newestEvents(events)
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
        for (const id of message.data.nodes) if (hasOwnKey(this.nodes, id)) this.nodes[id] = 'cached'
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
        if (hasOwnKey(this.nodes, message.data.node)) this.nodes[message.data.node] = 'done'
        this.record(message, now)
        break
      case 'execution_error':
        if (hasOwnKey(this.nodes, message.data.node_id)) this.nodes[message.data.node_id] = 'error'
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
    for (const [id, state] of Object.entries(this.nodes)) this.nodes[id] = completedState(state)
    this.current = null
    this.nodeProgress = null
    this.urgent = true
  }

  private onExecuting(nodeId: string | null): void {
    this.nodeProgress = null
    const known = startNodeState(this.nodes, nodeId)
    this.current =
      known && nodeId !== null ? { id: nodeId, class_type: own(this.prompt, nodeId)?.class_type ?? 'unknown' } : null
    this.urgent = true
  }

  private record(message: WsMessage, now: number): void {
    const data = boundEventData({ ...(message.data as Record<string, unknown>) }, this.keep)
    const time = typeof data.timestamp === 'number' ? data.timestamp : now
    this.pendingEvents.push({ type: message.type, time, data })
    this.urgent = true
  }
}
