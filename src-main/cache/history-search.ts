/**
 * The history gallery: one item per cached output image, newest run first (or oldest), filtered
 * and searched, paged by keyset so page N costs the same as page 1.
 *
 * The order is (run sequence, output id): runs are numbered as they are recorded, i.e. in
 * submission order, so every filter index can end with that key and a page is one range scan.
 */
import type { HistoryItem, HistoryPage, HistoryQuery } from '../../src-shared/contract/bridge'
import { RunStateSchema, type RunErrorInfo, type RunState } from '../../src-shared/contract/runs'
import type { Statement } from 'better-sqlite3'
import type { CacheDatabase } from './db'
import { InvalidHistoryQueryError, decodeCursor, encodeCursor, type HistoryKey } from './history-cursor'
import { toFtsQuery } from './fts-query'
import { laneCount, laneFilters, laneRows, type LaneSql } from './history-runs-lane'
import { parseJson } from './run-rows'

export const DEFAULT_PAGE_SIZE = 50

const RUN_STATES: readonly RunState[] = RunStateSchema.options
/**
 * Below this many runs a model is rare: look its runs up directly and sort them. Above it, walk
 * the history in order and test each row, which stops as soon as a page is full.
 */
const RARE_MODEL_RUNS = 4000
/** Full-text matches are pulled newest first in growing chunks until a page is full. */
const FTS_FIRST_CHUNK = 256
const FTS_MAX_CHUNK = 8192

/** An output, or (hash null, id 0) a run that ended without one: see history-runs-lane.ts. */
interface HistoryRow {
  id: number
  run_seq: number
  run_id: string
  hash: string | null
  node_id: string | null
  width: number | null
  height: number | null
  format: string | null
  created_at: number
  status: RunState
  positive: string | null
  models: string
  server_name: string | null
  seed: number | null
  error: string | null
}

/** A typed statement of this connection; compiled once per SQL text by its statement cache (statement-cache.ts). */
function prepared<R>(db: CacheDatabase, sql: string): Statement<unknown[], R> {
  return db.prepare<unknown[], R>(sql)
}

interface SqlParts {
  where: string[]
  params: unknown[]
  /** Run sequence range implied by a date filter (inclusive), when known. */
  seqLow: number
  seqHigh: number
}

interface Plan {
  newest: boolean
  limit: number
  filters: SqlParts
  cursor: HistoryKey | null
  fts: string | null
  /** Runs without images (failed, cancelled) that match, or null when the query can only match images. */
  lane: LaneSql | null
}

/**
 * One page of history.
 *
 * @throws InvalidHistoryQueryError for a malformed cursor, unknown status, or a bad limit/date.
 */
export function searchHistory(db: CacheDatabase, query: HistoryQuery): HistoryPage {
  const plan: Plan = {
    newest: (query.sort ?? 'newest') === 'newest',
    limit: pageSize(query.limit),
    filters: filterParts(db, query),
    cursor: query.cursor ? decodeCursor(query.cursor) : null,
    fts: query.text ? toFtsQuery(query.text) : null,
    lane: laneFilters(query),
  }
  const rows = plan.fts === null ? pageRows(db, plan, null) : ftsRows(db, plan, plan.fts)
  const page = rows.slice(0, plan.limit)
  const last = page[page.length - 1]
  return {
    items: page.map(toHistoryItem),
    nextCursor: rows.length > plan.limit && last ? encodeCursor({ runSeq: last.run_seq, id: last.id }) : null,
    // Counted once per query (its first page): later pages page through the same set.
    total: plan.cursor === null ? totalCount(db, plan) : null,
  }
}

/** The exact number of items the query matches: images plus runs that ended without one. */
function totalCount(db: CacheDatabase, plan: Plan): number {
  const where = [...plan.filters.where]
  const params = [...plan.filters.params]
  if (plan.fts !== null) {
    where.push('o.run_seq IN (SELECT rowid FROM runs_fts WHERE runs_fts MATCH ?)')
    params.push(plan.fts)
  }
  // Unfiltered, every output counts (each belongs to a run): the join to runs cost the first page of a
  // 100k-run history 20 ms of its 20 ms budget (bench/history-scale.ts), a count of one index ≈2 ms.
  const sql =
    where.length === 0
      ? 'SELECT count(*) AS n FROM outputs'
      : `SELECT count(*) AS n FROM outputs o JOIN runs r ON r.seq = o.run_seq WHERE ${where.join(' AND ')}`
  const images = prepared<{ n: number }>(db, sql).get(...params)?.n ?? 0
  return images + (plan.lane ? laneCount(db, plan.lane, plan.fts) : 0)
}

/** Output rows and lane rows in one page order: (run_seq, id), lane rows having id 0. */
function mergeLane(
  db: CacheDatabase,
  plan: Plan,
  rows: HistoryRow[],
  seqs: number[] | null,
  after: HistoryKey | null
): HistoryRow[] {
  if (!plan.lane) return rows
  const lane = laneRows<HistoryRow>(db, plan.lane, { newest: plan.newest, limit: plan.limit + 1, after, seqs })
  if (lane.length === 0) return rows
  const sign = plan.newest ? -1 : 1
  return [...rows, ...lane].sort((a, b) => sign * (a.run_seq - b.run_seq || a.id - b.id)).slice(0, plan.limit + 1)
}

/** Up to limit+1 rows after the cursor, optionally only among the given run sequences. */
function pageRows(db: CacheDatabase, plan: Plan, seqs: number[] | null, after = plan.cursor): HistoryRow[] {
  const where = [...plan.filters.where]
  const params = [...plan.filters.params]
  if (after) {
    where.push(plan.newest ? '(o.run_seq, o.id) < (?, ?)' : '(o.run_seq, o.id) > (?, ?)')
    params.push(after.runSeq, after.id)
  }
  if (seqs) {
    where.push('o.run_seq IN (SELECT value FROM json_each(?))')
    params.push(JSON.stringify(seqs))
  }
  const dir = plan.newest ? 'DESC' : 'ASC'
  const sql = `SELECT o.id, o.run_seq, o.run_id, o.hash, o.node_id, o.width, o.height, o.format, o.created_at,
      o.status, r.positive, r.models, r.server_name, r.seed, NULL AS error
    FROM outputs o JOIN runs r ON r.seq = o.run_seq
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY o.run_seq ${dir}, o.id ${dir} LIMIT ?`
  return mergeLane(db, plan, prepared<HistoryRow>(db, sql).all(...params, plan.limit + 1), seqs, after)
}

/**
 * Text search: take matching runs from the FTS index in page order, a chunk at a time, and keep
 * their outputs that pass the other filters. A common word stops after the first chunk; a rare
 * word's whole match list is short anyway.
 */
function ftsRows(db: CacheDatabase, plan: Plan, fts: string): HistoryRow[] {
  const dir = plan.newest ? 'DESC' : 'ASC'
  const matches = prepared<{ rowid: number }>(
    db,
    `SELECT rowid FROM runs_fts WHERE runs_fts MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid ${dir} LIMIT ?`
  )
  const rows: HistoryRow[] = []
  // Walk only the sequence range a date filter allows, starting at the cursor.
  let low = plan.filters.seqLow
  let high = plan.filters.seqHigh
  if (plan.cursor && plan.newest) high = Math.min(high, plan.cursor.runSeq)
  if (plan.cursor && !plan.newest) low = Math.max(low, plan.cursor.runSeq)
  let chunk = FTS_FIRST_CHUNK
  while (rows.length <= plan.limit) {
    if (low > high) break
    const seqs = matches.all(fts, low, high, chunk).map((m) => m.rowid)
    if (seqs.length === 0) break
    const lastRow = rows[rows.length - 1]
    const after = lastRow ? { runSeq: lastRow.run_seq, id: lastRow.id } : plan.cursor
    rows.push(...pageRows(db, { ...plan, limit: plan.limit - rows.length }, seqs, after))
    if (seqs.length < chunk) break
    const edge = seqs[seqs.length - 1] as number
    if (plan.newest) high = edge - 1
    else low = edge + 1
    chunk = Math.min(chunk * 4, FTS_MAX_CHUNK)
  }
  return rows
}

/** The page size; its range is HistoryQuerySchema's rule, checked where a query comes in (bridge, REST). */
function pageSize(limit: number | undefined): number {
  return limit ?? DEFAULT_PAGE_SIZE
}

function filterParts(db: CacheDatabase, query: HistoryQuery): SqlParts {
  const parts: SqlParts = { where: [], params: [], seqLow: 0, seqHigh: Number.MAX_SAFE_INTEGER }
  // One ordered index drives each page. Which one is fixed here rather than left to planner
  // statistics: batch, then server, are far more selective than status (almost every output is
  // 'completed'); the unary + stops SQLite from picking a weaker filter's index.
  const narrower = Boolean(query.batchId)
  if (query.status && query.status.length > 0) {
    const unknown = query.status.filter((s) => !RUN_STATES.includes(s))
    if (unknown.length) throw new InvalidHistoryQueryError(`Unknown run status: ${unknown.join(', ')}.`)
    const column = narrower || query.serverId ? '+o.status' : 'o.status'
    parts.where.push(`${column} IN (${query.status.map(() => '?').join(', ')})`)
    parts.params.push(...query.status)
  }
  if (query.serverId) add(parts, narrower ? '+o.server_id = ?' : 'o.server_id = ?', query.serverId)
  if (query.batchId) add(parts, 'o.batch_id = ?', query.batchId)
  if (query.from !== undefined) dateBound(db, parts, 'from', epoch('from', query.from))
  if (query.to !== undefined) dateBound(db, parts, 'to', epoch('to', query.to))
  if (query.model) modelFilter(db, parts, query.model)
  return parts
}

/**
 * Date range on the run's creation time. While runs were recorded in creation order (the
 * `runs_out_of_order` flag is unset), the range is also a range of run sequence numbers, found
 * from the created_at index in microseconds, which lets the ordered walk skip straight to it.
 */
function dateBound(db: CacheDatabase, parts: SqlParts, side: 'from' | 'to', value: number): void {
  add(parts, side === 'from' ? 'r.created_at >= ?' : 'r.created_at <= ?', value)
  const flag = prepared<{ value: number }>(db, "SELECT value FROM cache_flags WHERE name = 'runs_out_of_order'").get()
  if (flag?.value === 1) return
  const sql =
    side === 'from'
      ? 'SELECT seq FROM runs WHERE created_at >= ? ORDER BY created_at, seq LIMIT 1'
      : 'SELECT seq FROM runs WHERE created_at <= ? ORDER BY created_at DESC, seq DESC LIMIT 1'
  const seq = prepared<{ seq: number }>(db, sql).get(value)?.seq ?? null
  if (seq === null) {
    add(parts, '0 = ?', 1)
    parts.seqLow = 1
    parts.seqHigh = 0
  } else if (side === 'from') {
    add(parts, 'o.run_seq >= ?', seq)
    parts.seqLow = Math.max(parts.seqLow, seq)
  } else {
    add(parts, 'o.run_seq <= ?', seq)
    parts.seqHigh = Math.min(parts.seqHigh, seq)
  }
}

function modelFilter(db: CacheDatabase, parts: SqlParts, model: string): void {
  const count = db
    .prepare<[string, number], { n: number }>(
      'SELECT count(*) AS n FROM (SELECT 1 FROM run_models WHERE model = ? LIMIT ?)'
    )
    .get(model, RARE_MODEL_RUNS + 1)
  if ((count?.n ?? 0) <= RARE_MODEL_RUNS) {
    add(parts, 'o.run_id IN (SELECT run_id FROM run_models WHERE model = ?)', model)
  } else {
    add(parts, 'EXISTS (SELECT 1 FROM run_models m WHERE m.model = ? AND m.run_id = o.run_id)', model)
  }
}

function add(parts: SqlParts, clause: string, param: unknown): void {
  parts.where.push(clause)
  parts.params.push(param)
}

function epoch(name: string, value: number): number {
  if (!Number.isFinite(value)) throw new InvalidHistoryQueryError(`History '${name}' must be epoch milliseconds.`)
  return Math.floor(value)
}

function toHistoryItem(row: HistoryRow): HistoryItem {
  return {
    runId: row.run_id,
    hash: row.hash,
    nodeId: row.node_id,
    width: row.width,
    height: row.height,
    format: row.format,
    errorMessage: parseJson<RunErrorInfo | null>(row.error, null)?.message ?? null,
    createdAt: row.created_at,
    status: row.status,
    positive: row.positive,
    models: parseJson<string[]>(row.models, []),
    serverName: row.server_name,
    seed: row.seed,
  }
}
