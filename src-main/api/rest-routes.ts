/**
 * The local REST API for scripts, the SDK and the CLI (the seed gateway's doors, typed):
 * servers, execute (any intake format, optional wait), status in the public get_status shape,
 * results with image paths, cancel, batches, history. Every answer is JSON; errors are
 * `{ error: { code, message, details? } }` with a fitting status code.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type {
  HistoryQuery,
  IntakeFile,
  ServerInput,
  ServerPatch,
  SubmitRequest,
} from '../../src-shared/contract/bridge'
import type { Result } from '../../src-shared/contract/result'
import type { OutputRef, RunState, RunStatus } from '../../src-shared/contract/runs'
import type { Cache } from '../cache'
import { InvalidHistoryQueryError } from '../cache'
import type { FleetService } from '../core/fleet-service'
import { requireObject } from '../core/params'
import type { FarmServer } from '../../src-shared/contract/farm'
import type { RunClient } from '../runs/run-client'
import type { RunService } from '../runs/run-service'
import { isFinal } from '../runs/run-states'
import type { RunTracker } from '../runs/run-tracker'
import { HttpError, readJson, type Router, sendJson } from './http-util'

export interface RestDeps {
  runs: RunService
  tracker: RunTracker
  fleet: FleetService
  cache: Cache
  client: () => RunClient | null
  farmServers: () => Promise<FarmServer[]>
}

const BODY_LIMIT = 80 * 1024 * 1024
/** How long `wait: true` may hold a request before answering 202 with the run still going. */
const MAX_WAIT_S = 3600

export function registerRestRoutes(router: Router, d: RestDeps): void {
  router
    .add('GET', '/servers', (_q, res) => json(res, 200, d.fleet.list()))
    .add('POST', '/servers', async (req, res) =>
      sendResult(res, await d.fleet.add((await body(req)) as unknown as ServerInput), 201)
    )
    .add('POST', '/servers/test', async (req, res) =>
      sendResult(res, await d.fleet.test(stringField(await body(req), 'address')))
    )
    .add('PATCH', '/servers/:id', async (req, res, p) =>
      sendResult(res, await d.fleet.update(p.id!, (await body(req)) as ServerPatch))
    )
    .add('DELETE', '/servers/:id', async (_q, res, p) => sendResult(res, await d.fleet.remove(p.id!)))
    .add('GET', '/farm/servers', async (_q, res) => json(res, 200, await d.farmServers()))
    .add('POST', '/workflow/execute', (req, res) => execute(d, req, res))
    .add('GET', '/workflow/status/:id', async (_q, res, p) => json(res, 200, await status(d, p.id!)))
    .add('GET', '/workflow/result/:id', async (_q, res, p) => json(res, 200, await resultOf(d, p.id!)))
    .add('GET', '/workflow/events/:id', async (_q, res, p) => json(res, 200, await events(d, p.id!)))
    .add('POST', '/workflow/cancel/:id', async (_q, res, p) => sendResult(res, await d.runs.cancel(p.id!)))
    .add('POST', '/workflow/rerun/:id', async (_q, res, p) => sendResult(res, await d.runs.rerun(p.id!), 202))
    .add('GET', '/runs', (_q, res, _p, url) =>
      json(res, 200, d.runs.list(Number(url.searchParams.get('limit') ?? 200)))
    )
    .add('GET', '/batches', (_q, res) => json(res, 200, d.tracker.batchSummaries()))
    .add('POST', '/batches/:id/cancel', async (_q, res, p) => sendResult(res, await d.runs.cancel(p.id!)))
    .add('GET', '/history', (_q, res, _p, url) => json(res, 200, history(d.cache, url)))
    .add('DELETE', '/history/:id', (_q, res, p) => {
      const run = d.cache.runs.getSummary(p.id!)
      if (run && !isFinal(run.status))
        throw new HttpError(409, 'history/run-active', `Run ${p.id!} is ${run.status}; cancel it first`)
      sendResult(res, d.cache.deleteRun(p.id!))
      return Promise.resolve()
    })
}

const json = (res: ServerResponse, status: number, value: unknown): Promise<void> => {
  sendJson(res, status, value)
  return Promise.resolve()
}

const stringField = (b: Record<string, unknown>, key: string): string => (typeof b[key] === 'string' ? b[key] : '')

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  return requireObject(await readJson(req, BODY_LIMIT), 'The request body')
}

/** Result errors → HTTP status by their code's meaning. */
function statusFor(code: string): number {
  if (code.endsWith('/unknown') || code.endsWith('/unknown-run') || code.endsWith('not-found')) return 404
  if (code.endsWith('temporal-down')) return 503
  if (code.includes('duplicate') || code.endsWith('already-finished') || code.endsWith('run-active')) return 409
  if (code.endsWith('too-large')) return 413
  return 400
}

function sendResult<T>(res: ServerResponse, r: Result<T>, okStatus = 200): void {
  if (r.ok) sendJson(res, okStatus, r.value)
  else sendJson(res, statusFor(r.error.code), { error: r.error })
}

/** Accepts `workflow` (any JSON format, object or string), `file` {name, dataBase64}, or `files`. */
function submitRequestOf(b: Record<string, unknown>): SubmitRequest {
  const files: IntakeFile[] = []
  if (b.file !== undefined) files.push(b.file as IntakeFile)
  if (Array.isArray(b.files)) files.push(...(b.files as IntakeFile[]))
  let text: string | undefined
  if (typeof b.workflow === 'string') text = b.workflow
  else if (b.workflow !== undefined && b.workflow !== null) text = JSON.stringify(b.workflow)
  else if (b.prompt !== undefined)
    text = JSON.stringify({ prompt: b.prompt, ...(b.extra_data ? { extra_data: b.extra_data } : {}) })
  return {
    files,
    ...(text !== undefined ? { text } : {}),
    serverId: typeof b.server === 'string' ? b.server : null,
    ...(b.count !== undefined ? { count: b.count as number } : {}),
    ...(b.seeds !== undefined ? { seeds: seedsOf(b.seeds) } : {}),
    ...(typeof b.priority === 'number' ? { priority: b.priority } : {}),
    ...(typeof b.name === 'string' ? { name: b.name } : {}),
  }
}

/** `{from, to}` or the CLI's `"a..b"`. */
function seedsOf(v: unknown): { from: number; to: number } {
  if (typeof v === 'string') {
    const m = /^(\d+)\.\.(\d+)$/.exec(v.trim())
    if (!m) throw new HttpError(400, 'runs/bad-seeds', `Seeds must look like "100..199", not ${JSON.stringify(v)}`)
    return { from: Number(m[1]), to: Number(m[2]) }
  }
  return v as { from: number; to: number }
}

async function execute(d: RestDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const b = await body(req)
  const r = await d.runs.submit(submitRequestOf(b))
  if (!r.ok) return sendResult(res, r)
  const { runIds, batchIds } = r.value
  const started = { run_ids: runIds, batch_ids: batchIds, status_urls: runIds.map((id) => `/workflow/status/${id}`) }
  if (b.wait !== true || runIds.length !== 1) return json(res, 202, started)
  const timeoutS = Math.min(MAX_WAIT_S, typeof b.timeout_s === 'number' && b.timeout_s > 0 ? b.timeout_s : MAX_WAIT_S)
  const runId = runIds[0]!
  const done = await d.tracker.waitFinished(runId, timeoutS * 1000)
  if (!done) return json(res, 202, { ...started, message: `Run ${runId} is still going after ${timeoutS} s` })
  return json(res, 200, await resultOf(d, runId))
}

/** get_status of an open run (live), or the same shape rebuilt from the cache for a closed one. */
async function status(d: RestDeps, id: string): Promise<RunStatus> {
  const run = d.cache.runs.getRun(id)
  const client = d.client()
  if (client && (!run || !isFinal(run.status))) {
    try {
      return await client.getStatus(run?.workflowId ?? id)
    } catch (e) {
      if (!run) throw new HttpError(404, 'runs/unknown', `No run ${id} (${(e as Error).message})`)
    }
  }
  if (!run) throw new HttpError(404, 'runs/unknown', `No run ${id}`)
  const live = d.tracker.withLive(run)
  return {
    run_id: run.id,
    status: live.status,
    server: run.serverId
      ? {
          id: run.serverId,
          name: run.serverName ?? run.serverId,
          address: d.fleet.list().find((s) => s.id === run.serverId)?.address ?? '',
        }
      : null,
    prompt_id: null,
    attempt: run.attempt,
    current_node: live.currentNode ? { id: live.currentNode.id, class_type: live.currentNode.classType } : null,
    progress: live.progress,
    node_progress: live.nodeProgress,
    nodes: run.nodes,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    error: run.error,
    outputs: run.outputs,
  }
}

interface ImageOut extends OutputRef {
  path: string | null
  url: string
  thumb_url: string
}

async function resultOf(
  d: RestDeps,
  id: string
): Promise<{ run_id: string; status: RunState; error: unknown; images: ImageOut[]; run: unknown }> {
  const r = await d.runs.get(id)
  if (!r.ok) throw new HttpError(statusFor(r.error.code), r.error.code, r.error.message)
  const run = r.value
  const images = run.outputs.map((o) => ({
    ...o,
    path: d.cache.findImage(o.hash)?.path ?? null,
    url: `/api/images/${o.hash}`,
    thumb_url: `/api/thumbs/${o.hash}`,
  }))
  return { run_id: run.id, status: run.status, error: run.error, images, run }
}

async function events(d: RestDeps, id: string): Promise<unknown> {
  const run = d.cache.runs.getSummary(id)
  if (!run) throw new HttpError(404, 'runs/unknown', `No run ${id}`)
  return d.tracker.events(run)
}

function history(cache: Cache, url: URL): unknown {
  const q = url.searchParams
  const list = (k: string): string[] | undefined => (q.get(k) ? q.get(k)!.split(',').filter(Boolean) : undefined)
  const num = (k: string): number | undefined => (q.get(k) === null ? undefined : Number(q.get(k)))
  const query: HistoryQuery = {
    text: q.get('q') ?? q.get('search') ?? undefined,
    status: list('status') as RunState[] | undefined,
    serverId: q.get('server') ?? undefined,
    model: q.get('model') ?? undefined,
    from: num('from'),
    to: num('to'),
    batchId: q.get('batch') ?? undefined,
    sort: (q.get('sort') as HistoryQuery['sort']) ?? undefined,
    cursor: q.get('cursor'),
    limit: num('limit'),
  }
  try {
    return cache.searchHistory(query)
  } catch (e) {
    if (e instanceof InvalidHistoryQueryError) throw new HttpError(400, 'history/bad-query', e.message)
    throw e
  }
}
