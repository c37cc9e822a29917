/**
 * The batches side of run tracking: each open batch's spec (to recognise its child runs and give
 * them their prompt, after a restart too), the discovery of children started by the batch workflow,
 * and the batch's counts from its get_status.
 */
import type { BatchSummary } from '../../src-shared/contract/bridge'
import type { ApiPrompt } from '../../src-shared/contract/runs'
import { promptAt, sweepSize } from '../../src-shared/runs/batch-sweep'
import { RUN_WORKFLOW, type BatchStatus, type BatchSweep } from '../../src-shared/temporal/contract'
import type { Cache } from '../cache'
import type { EventHub } from '../core/event-hub'
import type { BatchSpec, BatchStore } from './batch-store'
import type { RunClient } from './run-client'
import { isFinal } from './run-states'
import { withQueryDeadline } from '../temporal/query-deadline'

interface ActiveBatch extends BatchSpec {
  last: BatchSummary | null
  /** When Temporal was last asked whether the batch workflow is still open. */
  describedAt?: number
}

/** A running batch's workflow state is checked this often (get_status is read every second). */
const DESCRIBE_EVERY_MS = 10_000

/** A child run as the batch defines it: its name and prompt. */
export interface ChildRun {
  id: string
  name: string
  prompt: ApiPrompt
  workflow: unknown
  batchId: string
}

export class BatchTracker {
  private readonly open = new Map<string, ActiveBatch>()
  private lastDiscovery = Date.now() - 60_000

  constructor(
    private readonly store: BatchStore,
    private readonly cache: Cache,
    private readonly hub: EventHub
  ) {}

  /** Batches that were open when the app stopped. */
  load(): void {
    for (const spec of this.store.openSpecs()) this.open.set(spec.id, { ...spec, last: this.store.get(spec.id) })
  }

  get size(): number {
    return this.open.size
  }

  record(b: { id: string; name: string; prompt: ApiPrompt; workflow: unknown; sweep: BatchSweep }): void {
    const createdAt = Date.now()
    this.cache.runs.insertBatch({ id: b.id, name: b.name, total: sweepSize(b.sweep), createdAt })
    this.store.saveSpec({ ...b, createdAt })
    this.open.set(b.id, { ...b, createdAt, last: null })
  }

  /** The child run `runId` of an open batch (ids are `run-<batch>-<index>`), or null. */
  childOf(runId: string): ChildRun | null {
    for (const b of this.open.values()) {
      const prefix = `run-${b.id.replace(/^batch-/, '')}-`
      if (!runId.startsWith(prefix)) continue
      const index = Number(runId.slice(prefix.length))
      if (!Number.isInteger(index)) return null
      const prompt = promptAt(b.prompt, b.sweep, index, b.id)
      return { id: runId, name: `${b.name} #${index + 1}`, prompt, workflow: b.workflow, batchId: b.id }
    }
    return null
  }

  /** Run ids started since the last look (children the batch workflow started, possibly on a remote worker). */
  async startedSince(client: RunClient): Promise<string[]> {
    const since = new Date(this.lastDiscovery - 5000).toISOString()
    this.lastDiscovery = Date.now()
    const ids: string[] = []
    const query = `WorkflowType = '${RUN_WORKFLOW}' AND StartTime > '${since}'`
    for await (const info of client.client.workflow.list({ query })) ids.push(info.workflowId)
    return ids
  }

  /**
   * Counts from each open batch's get_status; stored and pushed when they change. A batch that ended
   * with every child run names each child to `discover` first: children started on a remote worker are
   * found by listing, which can miss the last few (visibility lag, a batch done within one poll), and
   * once the batch is closed nobody would record them.
   */
  async refresh(client: RunClient, discover: (runId: string) => void = () => undefined): Promise<void> {
    for (const b of [...this.open.values()]) {
      let s: BatchStatus
      try {
        s = await withQueryDeadline(client.client, () => client.getBatchStatus(b.id))
      } catch {
        const closed = await closedOutside(client, b)
        if (closed === null) continue
        s = closed
      }
      if (!isFinal(s.status) && Date.now() - (b.describedAt ?? 0) >= DESCRIBE_EVERY_MS) {
        b.describedAt = Date.now()
        s = (await closedOutside(client, b, s)) ?? s
      }
      const summary: BatchSummary = {
        id: b.id,
        name: b.name,
        total: s.total,
        completed: s.completed,
        failed: s.failed,
        cancelled: s.cancelled,
        running: s.running,
        status: s.status,
        createdAt: b.createdAt,
      }
      if (JSON.stringify(summary) !== JSON.stringify(b.last)) {
        b.last = summary
        this.store.update(summary)
        this.hub.emit('batches:changed', summary)
      }
      if (s.status === 'completed' || s.status === 'failed') {
        for (let i = 0; i < s.total; i++) discover(`run-${b.id.replace(/^batch-/, '')}-${i}`)
      }
      if (isFinal(s.status)) this.open.delete(b.id)
    }
  }

  /** Recent batches from the cache, with the live counts of open ones. */
  summaries(): BatchSummary[] {
    return this.store.recent().map((b) => this.open.get(b.id)?.last ?? b)
  }
}

/**
 * A batch workflow that Temporal closed without its code seeing the end (terminated, timed out, or
 * cancelled while its workflow tasks kept failing) answers get_status with its last in-flight counts,
 * or not at all: it would be listed as running forever. Its closed state decides; runs it never reported
 * count as cancelled (or failed, when it did not end by cancellation).
 */
async function closedOutside(client: RunClient, b: ActiveBatch, last?: BatchStatus): Promise<BatchStatus | null> {
  let state: string
  try {
    state = (await client.client.workflow.getHandle(b.id).describe()).status.name
  } catch {
    return null
  }
  if (state !== 'CANCELLED' && state !== 'TERMINATED' && state !== 'FAILED' && state !== 'TIMED_OUT') return null
  const total = last?.total ?? b.last?.total ?? sweepSize(b.sweep)
  const completed = last?.completed ?? b.last?.completed ?? 0
  const failed = last?.failed ?? b.last?.failed ?? 0
  const unreported = Math.max(0, total - completed - failed - (last?.cancelled ?? b.last?.cancelled ?? 0))
  const cancelled = (last?.cancelled ?? b.last?.cancelled ?? 0) + (state === 'CANCELLED' ? unreported : 0)
  return {
    batch_id: b.id,
    status: state === 'CANCELLED' ? 'cancelled' : 'failed',
    total,
    completed,
    failed: failed + (state === 'CANCELLED' ? 0 : unreported),
    cancelled,
    running: 0,
    pending: 0,
    progress: 1,
  }
}
