/** Conversions between SQLite rows and the contract's run shapes. */
import type { RunSummary } from '../../src-shared/contract/bridge'
import type { OutputRef, RunErrorInfo, RunState } from '../../src-shared/contract/runs'

export interface RunRow {
  seq: number
  id: string
  workflow_id: string
  batch_id: string | null
  name: string
  status: RunState
  created_at: number
  started_at: number | null
  finished_at: number | null
  server_id: string | null
  server_name: string | null
  gpu: string | null
  positive: string | null
  negative: string | null
  seed: number | null
  models: string
  progress: number
  current_node: string | null
  node_progress: string | null
  error: string | null
  attempt: number
  outputs_count: number
  thumb_hash: string | null
}

export interface OutputRow {
  id: number
  run_id: string
  node_id: string
  hash: string
  format: string
  width: number | null
  height: number | null
  bytes: number
  filename: string
  subfolder: string
  type: OutputRef['type']
  created_at: number
}

/** Columns of {@link RunRow}: the summary never loads the prompt or workflow JSON. */
export const RUN_SUMMARY_COLUMNS = `seq, id, workflow_id, batch_id, name, status, created_at, started_at, finished_at,
  server_id, server_name, gpu, positive, negative, seed, models, progress, current_node, node_progress, error,
  attempt, outputs_count, thumb_hash`

export function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}

export function toRunSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    workflowId: row.workflow_id,
    name: row.name,
    status: row.status,
    serverId: row.server_id,
    serverName: row.server_name,
    gpu: row.gpu,
    progress: row.progress,
    currentNode: parseJson<RunSummary['currentNode']>(row.current_node, null),
    nodeProgress: parseJson<RunSummary['nodeProgress']>(row.node_progress, null),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    batchId: row.batch_id,
    error: parseJson<RunErrorInfo | null>(row.error, null),
    thumbHash: row.thumb_hash,
    positive: row.positive,
    negative: row.negative,
    seed: row.seed,
    models: parseJson<string[]>(row.models, []),
    outputsCount: row.outputs_count,
  }
}

export function toOutputRef(row: OutputRow): OutputRef {
  return {
    hash: row.hash,
    nodeId: row.node_id,
    filename: row.filename,
    subfolder: row.subfolder,
    type: row.type,
    format: row.format,
    width: row.width,
    height: row.height,
    bytes: row.bytes,
  }
}
