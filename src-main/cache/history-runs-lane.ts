/**
 * Runs that ended without an image (failed, cancelled) in the history: they have no output rows, so the
 * gallery would never list them and its failed/cancelled filters would always be empty. This lane reads
 * them from the runs table in the same (run_seq, id) order, with id 0 (output ids start at 1), so its rows
 * merge into an output page and the same keyset cursor pages through both.
 */
import type { HistoryQuery } from '../../src-shared/contract/bridge'
import type { RunState } from '../../src-shared/contract/runs'
import type { CacheDatabase } from './db'
import type { HistoryKey } from './history-cursor'

/** The states in which a run can end with nothing to show. */
const IMAGELESS_STATES: readonly RunState[] = ['failed', 'cancelled']

/** The SELECT list shared with the outputs page, so rows of both lanes have one shape. */
export const LANE_COLUMNS = `0 AS id, r.seq AS run_seq, r.id AS run_id, NULL AS hash, NULL AS node_id, NULL AS width,
  NULL AS height, NULL AS format, r.created_at, r.status, r.positive, r.models, r.server_name, r.seed, r.error`

export interface LaneSql {
  where: string[]
  params: unknown[]
}

/** The lane's filters for a query, or null when the query can only match images (e.g. status=completed). */
export function laneFilters(query: HistoryQuery): LaneSql | null {
  if (query.withImageless !== true) return null
  const states = query.status?.length ? IMAGELESS_STATES.filter((s) => query.status!.includes(s)) : IMAGELESS_STATES
  if (states.length === 0) return null
  const sql: LaneSql = {
    where: ['r.outputs_count = 0', `r.status IN (${states.map(() => '?').join(', ')})`],
    params: [...states],
  }
  const add = (clause: string, param: unknown): void => {
    sql.where.push(clause)
    sql.params.push(param)
  }
  if (query.serverId) add('r.server_id = ?', query.serverId)
  if (query.batchId) add('r.batch_id = ?', query.batchId)
  if (query.from !== undefined) add('r.created_at >= ?', Math.floor(query.from))
  if (query.to !== undefined) add('r.created_at <= ?', Math.floor(query.to))
  if (query.model) add('r.id IN (SELECT run_id FROM run_models WHERE model = ?)', query.model)
  return sql
}

/** Up to `limit` lane rows after `after`, newest or oldest first, optionally among the given run sequences. */
export function laneRows<R>(
  db: CacheDatabase,
  lane: LaneSql,
  opts: { newest: boolean; limit: number; after: HistoryKey | null; seqs: number[] | null }
): R[] {
  const where = [...lane.where]
  const params = [...lane.params]
  if (opts.after) {
    where.push(opts.newest ? '(r.seq, 0) < (?, ?)' : '(r.seq, 0) > (?, ?)')
    params.push(opts.after.runSeq, opts.after.id)
  }
  if (opts.seqs) {
    where.push('r.seq IN (SELECT value FROM json_each(?))')
    params.push(JSON.stringify(opts.seqs))
  }
  const dir = opts.newest ? 'DESC' : 'ASC'
  const sql = `SELECT ${LANE_COLUMNS} FROM runs r WHERE ${where.join(' AND ')} ORDER BY r.seq ${dir} LIMIT ?`
  return db.prepare<unknown[], R>(sql).all(...params, opts.limit)
}

/** How many lane rows match (for the history's exact total). */
export function laneCount(db: CacheDatabase, lane: LaneSql, fts: string | null): number {
  const where = [...lane.where]
  const params = [...lane.params]
  if (fts !== null) {
    where.push('r.seq IN (SELECT rowid FROM runs_fts WHERE runs_fts MATCH ?)')
    params.push(fts)
  }
  const row = db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM runs r WHERE ${where.join(' AND ')}`)
  return row.get(...params)?.n ?? 0
}
