/**
 * Batches in the cache (and the events of finished runs): what each one runs (so its child runs can be recognised and given their
 * prompt after a restart) and its last known counts (so finished batches still show them).
 */
import type { BatchSummary } from '../../src-shared/contract/bridge'
import type { ApiPrompt, RunEvent, RunState } from '../../src-shared/contract/runs'
import type { BatchSweep } from '../../src-shared/temporal/contract'
import type { CacheDatabase } from '../cache'

export interface BatchSpec {
  id: string
  name: string
  prompt: ApiPrompt
  workflow: unknown
  sweep: BatchSweep
  createdAt: number
}

interface BatchRow {
  id: string
  name: string
  total: number
  created_at: number
  prompt: string | null
  workflow: string | null
  sweep: string | null
  status: RunState
  completed: number
  failed: number
  cancelled: number
  running: number
}

const toSummary = (r: BatchRow): BatchSummary => ({
  id: r.id,
  name: r.name,
  total: r.total,
  completed: r.completed,
  failed: r.failed,
  cancelled: r.cancelled,
  running: r.running,
  status: r.status,
  createdAt: r.created_at,
})

export class BatchStore {
  constructor(private readonly db: CacheDatabase) {}

  /** Record the batch's spec on the row the run repository created. */
  saveSpec(spec: BatchSpec): void {
    this.db
      .prepare('UPDATE batches SET prompt = ?, workflow = ?, sweep = ?, status = ? WHERE id = ?')
      .run(
        JSON.stringify(spec.prompt),
        spec.workflow == null ? null : JSON.stringify(spec.workflow),
        JSON.stringify(spec.sweep),
        'running',
        spec.id
      )
  }

  update(s: BatchSummary): void {
    this.db
      .prepare(
        'UPDATE batches SET status = ?, completed = ?, failed = ?, cancelled = ?, running = ?, total = ? WHERE id = ?'
      )
      .run(s.status, s.completed, s.failed, s.cancelled, s.running, s.total, s.id)
  }

  /** Batches not finished yet, with their spec (for child discovery after a restart). */
  openSpecs(): BatchSpec[] {
    const rows = this.db
      .prepare("SELECT * FROM batches WHERE status NOT IN ('completed','failed','cancelled') AND sweep IS NOT NULL")
      .all() as BatchRow[]
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      prompt: JSON.parse(r.prompt ?? '{}') as ApiPrompt,
      workflow: r.workflow === null ? null : (JSON.parse(r.workflow) as unknown),
      sweep: JSON.parse(r.sweep!) as BatchSweep,
      createdAt: r.created_at,
    }))
  }

  recent(limit = 100): BatchSummary[] {
    return (this.db.prepare('SELECT * FROM batches ORDER BY created_at DESC LIMIT ?').all(limit) as BatchRow[]).map(
      toSummary
    )
  }

  /** The events a run saw, kept when it finishes (migration 005). */
  saveRunEvents(runId: string, events: RunEvent[]): void {
    this.db.prepare('UPDATE runs SET events = ? WHERE id = ?').run(JSON.stringify(events), runId)
  }

  runEvents(runId: string): RunEvent[] {
    const row = this.db.prepare('SELECT events FROM runs WHERE id = ?').get(runId) as
      { events: string | null } | undefined
    return row?.events ? (JSON.parse(row.events) as RunEvent[]) : []
  }

  get(id: string): BatchSummary | null {
    const row = this.db.prepare('SELECT * FROM batches WHERE id = ?').get(id) as BatchRow | undefined
    return row ? toSummary(row) : null
  }
}
