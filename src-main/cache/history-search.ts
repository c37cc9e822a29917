/**
 * The history gallery: one item per cached output image, newest (or oldest) first, filtered and
 * searched, paged by keyset so page N costs the same as page 1.
 */
import type { HistoryItem, HistoryPage, HistoryQuery } from '../../src-shared/contract/bridge'
import type { RunState } from '../../src-shared/contract/runs'
import type { CacheDatabase } from './db'
import { InvalidHistoryQueryError, decodeCursor, encodeCursor } from './history-cursor'
import { toFtsQuery } from './fts-query'
import { parseJson } from './run-rows'

export const DEFAULT_PAGE_SIZE = 50
export const MAX_PAGE_SIZE = 500

const RUN_STATES: readonly RunState[] = ['pending', 'queued', 'running', 'completed', 'failed', 'cancelled']

interface HistoryRow {
  id: number
  run_id: string
  hash: string
  node_id: string
  width: number | null
  height: number | null
  format: string
  created_at: number
  status: RunState
  positive: string | null
  models: string
  server_name: string | null
  seed: number | null
}

interface SqlParts {
  where: string[]
  params: unknown[]
}

/**
 * One page of history.
 *
 * @throws InvalidHistoryQueryError for a malformed cursor, unknown status, or a bad limit/date.
 */
export function searchHistory(db: CacheDatabase, query: HistoryQuery): HistoryPage {
  const limit = pageSize(query.limit)
  const newest = (query.sort ?? 'newest') === 'newest'
  const parts = filterParts(query)
  if (query.cursor) {
    const key = decodeCursor(query.cursor)
    parts.where.push(newest ? '(o.created_at, o.id) < (?, ?)' : '(o.created_at, o.id) > (?, ?)')
    parts.params.push(key.createdAt, key.id)
  }
  const dir = newest ? 'DESC' : 'ASC'
  const sql = `SELECT o.id, o.run_id, o.hash, o.node_id, o.width, o.height, o.format, o.created_at, o.status,
      r.positive, r.models, r.server_name, r.seed
    FROM outputs o JOIN runs r ON r.seq = o.run_seq
    ${parts.where.length ? `WHERE ${parts.where.join(' AND ')}` : ''}
    ORDER BY o.created_at ${dir}, o.id ${dir} LIMIT ?`
  const rows = db.prepare<unknown[], HistoryRow>(sql).all(...parts.params, limit + 1)
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return {
    items: page.map(toHistoryItem),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
  }
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new InvalidHistoryQueryError(`History page size must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${limit}.`)
  }
  return limit
}

function filterParts(query: HistoryQuery): SqlParts {
  const parts: SqlParts = { where: [], params: [] }
  if (query.status && query.status.length > 0) {
    const unknown = query.status.filter((s) => !RUN_STATES.includes(s))
    if (unknown.length) throw new InvalidHistoryQueryError(`Unknown run status: ${unknown.join(', ')}.`)
    parts.where.push(`o.status IN (${query.status.map(() => '?').join(', ')})`)
    parts.params.push(...query.status)
  }
  if (query.serverId) add(parts, 'o.server_id = ?', query.serverId)
  if (query.batchId) add(parts, 'o.batch_id = ?', query.batchId)
  if (query.from !== undefined) add(parts, 'o.created_at >= ?', epoch('from', query.from))
  if (query.to !== undefined) add(parts, 'o.created_at <= ?', epoch('to', query.to))
  if (query.model) add(parts, 'o.run_id IN (SELECT run_id FROM run_models WHERE model = ?)', query.model)
  const fts = query.text ? toFtsQuery(query.text) : null
  if (fts) add(parts, 'o.run_seq IN (SELECT rowid FROM runs_fts WHERE runs_fts MATCH ?)', fts)
  return parts
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
    createdAt: row.created_at,
    status: row.status,
    positive: row.positive,
    models: parseJson<string[]>(row.models, []),
    serverName: row.server_name,
    seed: row.seed,
  }
}

/** Model names seen in the cache with how many runs used each, for the model filter's choices. */
export function listModels(db: CacheDatabase): { model: string; runs: number }[] {
  return db
    .prepare<[], { model: string; runs: number }>(
      'SELECT model, count(*) AS runs FROM run_models GROUP BY model ORDER BY model'
    )
    .all()
}
