/**
 * Runs, batches and output rows in SQLite. Synchronous and file-free: files (images, thumbnails)
 * are the {@link ImageStore}'s job, and {@link openCache} ties the two together.
 */
import type { RunSummary } from '../../src-shared/contract/bridge'
import type {
  CachedRun,
  NewBatch,
  NewRun,
  RunFinish,
  RunProgressPatch,
  RunStatusPatch,
} from '../../src-shared/contract/cache'
import type { ApiPrompt, NodeStatus, OutputRef } from '../../src-shared/contract/runs'
import type { Statement } from 'better-sqlite3'
import type { CacheDatabase } from './db'
import { RUN_SUMMARY_COLUMNS, parseJson, toOutputRef, toRunSummary, type OutputRow, type RunRow } from './run-rows'

const ACTIVE_STATES = `('pending','queued','running')`

export class RunRepository {
  constructor(private readonly db: CacheDatabase) {}

  /** A typed statement; the connection's statement cache (statement-cache.ts) compiles each SQL text once. */
  private stmt<P extends unknown[] | object = unknown[], R = unknown>(sql: string): Statement<P, R> {
    return this.db.prepare<P, R>(sql)
  }

  /** Record a new run. Its models go to the normalised `run_models` table too, for the model filter. */
  insertRun(run: NewRun): void {
    const models = [...new Set(run.models ?? [])]
    this.db.transaction(() => {
      this.stmt(
        `INSERT INTO runs (id, workflow_id, batch_id, name, status, created_at, server_id, server_name, gpu,
             prompt, workflow, positive, negative, seed, models, attempt)
           VALUES (@id, @workflowId, @batchId, @name, @status, @createdAt, @serverId, @serverName, @gpu,
             @prompt, @workflow, @positive, @negative, @seed, @models, @attempt)`
      ).run({
        id: run.id,
        workflowId: run.workflowId,
        batchId: run.batchId ?? null,
        name: run.name,
        status: run.status ?? 'pending',
        createdAt: run.createdAt,
        serverId: run.serverId ?? null,
        serverName: run.serverName ?? null,
        gpu: run.gpu ?? null,
        prompt: JSON.stringify(run.prompt),
        workflow: run.workflow === undefined || run.workflow === null ? null : JSON.stringify(run.workflow),
        positive: run.positive ?? null,
        negative: run.negative ?? null,
        seed: run.seed ?? null,
        models: JSON.stringify(models),
        attempt: run.attempt ?? 1,
      })
      const addModel = this.stmt('INSERT OR IGNORE INTO run_models (run_id, model) VALUES (?, ?)')
      for (const model of models) addModel.run(run.id, model)
    })()
  }

  insertBatch(batch: NewBatch): void {
    this.stmt('INSERT INTO batches (id, name, total, created_at) VALUES (?, ?, ?, ?)').run(
      batch.id,
      batch.name,
      batch.total,
      batch.createdAt
    )
  }

  /** Apply a status change; returns false when the run is unknown. */
  updateRunStatus(id: string, patch: RunStatusPatch): boolean {
    const sets = ['status = @status']
    const params: Record<string, unknown> = { id, status: patch.status }
    const optional: [keyof RunStatusPatch, string][] = [
      ['startedAt', 'started_at'],
      ['serverId', 'server_id'],
      ['serverName', 'server_name'],
      ['gpu', 'gpu'],
      ['attempt', 'attempt'],
    ]
    for (const [key, column] of optional) {
      if (patch[key] === undefined) continue
      sets.push(`${column} = @${key}`)
      params[key] = patch[key]
    }
    if (patch.error !== undefined) {
      sets.push('error = @error')
      params.error = patch.error === null ? null : JSON.stringify(patch.error)
    }
    return this.db.transaction(() => {
      const changed = this.stmt(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run(params).changes > 0
      if (changed) this.syncOutputFilters(id)
      return changed
    })()
  }

  /** Store live progress (latest wins); returns false when the run is unknown. */
  updateRunProgress(id: string, patch: RunProgressPatch): boolean {
    return (
      this.stmt(
        `UPDATE runs SET progress = ?, current_node = ?, node_progress = ?, node_timings = COALESCE(?, node_timings)
           WHERE id = ?`
      ).run(
        patch.progress,
        patch.currentNode === null ? null : JSON.stringify(patch.currentNode),
        patch.nodeProgress === null ? null : JSON.stringify(patch.nodeProgress),
        patch.nodes === undefined ? null : JSON.stringify(patch.nodes),
        id
      ).changes > 0
    )
  }

  /**
   * Write a run's final state and its output rows in one transaction. The outputs must already be
   * validated (hash/format shape, file present); a repeated output (same node and hash) is stored once.
   */
  finishRun(id: string, finish: RunFinish, recordedAt: number): boolean {
    return this.db.transaction(() => {
      const run = this.stmt<[string], { seq: number }>('SELECT seq FROM runs WHERE id = ?').get(id)
      if (!run) return false
      const insert = this.stmt(
        `INSERT OR IGNORE INTO outputs (run_id, run_seq, node_id, hash, format, width, height, bytes, filename,
           subfolder, type, created_at, status, server_id, batch_id)
         SELECT id, seq, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, batch_id FROM runs WHERE id = ?`
      )
      const serverId = finish.serverId === undefined ? null : finish.serverId
      for (const o of finish.outputs) {
        insert.run(
          o.nodeId,
          o.hash,
          o.format,
          o.width,
          o.height,
          o.bytes,
          o.filename,
          o.subfolder,
          o.type,
          recordedAt,
          finish.status,
          serverId,
          id
        )
      }
      this.stmt(
        `UPDATE runs SET status = @status, finished_at = @finishedAt, progress = CASE WHEN @status = 'completed' THEN 1 ELSE progress END,
             current_node = NULL, node_progress = NULL, error = @error, node_timings = COALESCE(@nodes, node_timings),
             server_id = COALESCE(@serverId, server_id), server_name = COALESCE(@serverName, server_name),
             gpu = COALESCE(@gpu, gpu), started_at = COALESCE(started_at, @startedAt),
             prompt_id = COALESCE(@promptId, prompt_id), attempt = COALESCE(@attempt, attempt),
             outputs_count = (SELECT count(*) FROM outputs WHERE run_id = @id),
             thumb_hash = (SELECT hash FROM outputs WHERE run_id = @id ORDER BY +id LIMIT 1)
           WHERE id = @id`
      ).run({
        id,
        status: finish.status,
        finishedAt: finish.finishedAt,
        error: finish.error ? JSON.stringify(finish.error) : null,
        nodes: finish.nodes === undefined ? null : JSON.stringify(finish.nodes),
        serverId,
        serverName: finish.serverName ?? null,
        gpu: finish.gpu ?? null,
        startedAt: finish.startedAt ?? null,
        promptId: finish.promptId ?? null,
        attempt: finish.attempt ?? null,
      })
      this.syncOutputFilters(id)
      return true
    })()
  }

  getSummary(id: string): RunSummary | null {
    const row = this.stmt<[string], RunRow>(`SELECT ${RUN_SUMMARY_COLUMNS} FROM runs WHERE id = ?`).get(id)
    return row ? toRunSummary(row) : null
  }

  /** Everything about one run, or null when it is unknown. */
  getRun(id: string): CachedRun | null {
    type Row = RunRow & { prompt: string; workflow: string | null; node_timings: string; prompt_id: string | null }
    const row = this.stmt<[string], Row>(
      `SELECT ${RUN_SUMMARY_COLUMNS}, prompt, workflow, node_timings, prompt_id FROM runs WHERE id = ?`
    ).get(id)
    if (!row) return null
    return {
      ...toRunSummary(row),
      prompt: parseJson<ApiPrompt>(row.prompt, {}),
      workflow: parseJson<unknown>(row.workflow, null),
      nodes: parseJson<Record<string, NodeStatus>>(row.node_timings, {}),
      outputs: this.outputsOf(id),
      attempt: row.attempt,
      promptId: row.prompt_id,
    }
  }

  outputsOf(id: string): OutputRef[] {
    return this.stmt<[string], OutputRow>('SELECT * FROM outputs WHERE run_id = ? ORDER BY id').all(id).map(toOutputRef)
  }

  /** Runs not finished yet (pending, queued, running), oldest first: what the app re-attaches at start. */
  listActive(): RunSummary[] {
    return this.stmt<[], RunRow>(
      `SELECT ${RUN_SUMMARY_COLUMNS} FROM runs WHERE status IN ${ACTIVE_STATES} ORDER BY created_at, seq`
    )
      .all()
      .map(toRunSummary)
  }

  /** The newest runs of any state. */
  listRecent(limit = 100): RunSummary[] {
    // 5,000: the Runs screen lists that many (virtualized); older ones are in History.
    const n = Math.max(1, Math.min(5000, Math.floor(limit)))
    return this.stmt<[number], RunRow>(
      `SELECT ${RUN_SUMMARY_COLUMNS} FROM runs ORDER BY created_at DESC, seq DESC LIMIT ?`
    )
      .all(n)
      .map(toRunSummary)
  }

  /** Runs of one batch, oldest first. */
  listBatch(batchId: string): RunSummary[] {
    return this.stmt<[string], RunRow>(
      `SELECT ${RUN_SUMMARY_COLUMNS} FROM runs WHERE batch_id = ? ORDER BY created_at, seq`
    )
      .all(batchId)
      .map(toRunSummary)
  }

  /**
   * Delete a run and its output rows. Returns the images it referenced that no other output row
   * references any more (their files may go), or null when the run is unknown.
   */
  deleteRun(id: string): { hash: string; format: string }[] | null {
    return this.db.transaction(() => {
      const outputs = this.stmt<[string], { hash: string; format: string }>(
        'SELECT DISTINCT hash, format FROM outputs WHERE run_id = ?'
      ).all(id)
      if (this.stmt('DELETE FROM runs WHERE id = ?').run(id).changes === 0) return null
      const stillUsed = this.stmt<[string], { one: number }>('SELECT 1 AS one FROM outputs WHERE hash = ? LIMIT 1')
      return outputs.filter((o) => stillUsed.get(o.hash) === undefined)
    })()
  }

  /** True when any output row references this image. */
  isReferenced(hash: string): boolean {
    return this.stmt('SELECT 1 FROM outputs WHERE hash = ? LIMIT 1').get(hash) !== undefined
  }

  /** Format of a cached image, from any output that references it. */
  formatOf(hash: string): string | null {
    const row = this.stmt<[string], { format: string }>('SELECT format FROM outputs WHERE hash = ? LIMIT 1').get(hash)
    return row?.format ?? null
  }

  /** Keep the copied filter columns of a run's outputs equal to the run's own. */
  private syncOutputFilters(id: string): void {
    this.stmt(
      `UPDATE outputs SET status = r.status, server_id = r.server_id, batch_id = r.batch_id
         FROM (SELECT status, server_id, batch_id FROM runs WHERE id = ?) AS r WHERE outputs.run_id = ?`
    ).run(id, id)
  }
}
