/**
 * The local REST API for scripts, the SDK and the CLI (the seed gateway's doors, typed):
 * servers, execute (any intake format, optional wait), status in the public get_status shape,
 * results with image paths, cancel, batches, history. Every answer is JSON; errors are
 * `{ error: { code, message, details? } }` with a fitting status code.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { z } from 'zod'
import type { ExecuteBody, HistoryQuery, IntakeFile, SubmitRequest } from '../../src-shared/contract/bridge'
import { INTAKE_ERRORS } from '../../src-shared/contract/intake'
import {
  ExecuteBodySchema,
  ServerInputSchema,
  ServerPatchSchema,
  ServerTestBodySchema,
} from '../../src-shared/contract/requests'
import type { Result } from '../../src-shared/contract/result'
import type { RunEvent, RunStatus } from '../../src-shared/contract/runs'
import {
  splitRoute,
  type ExecuteStarted,
  type HistoryPage,
  type RestAnswer,
  type RestRoute,
  type RunResult,
} from '../../src-shared/contract/responses'
import {
  HistoryQueryParamsSchema,
  NoQuerySchema,
  ResultQuerySchema,
  RunsQuerySchema,
} from '../../src-shared/contract/query-params'
import type { Cache } from '../cache'
import { InvalidHistoryQueryError } from '../cache'
import type { FleetService } from '../core/fleet-service'
import { parseParams } from '../core/params'
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../intake/json-text'
import type { FarmServer } from '../../src-shared/contract/farm'
import type { RunClient } from '../runs/run-client'
import type { RunService } from '../runs/run-service'
import { isFinal } from '../runs/run-states'
import type { RunTracker } from '../runs/run-tracker'
import { HttpError, readJson, type RouteHandler, type Router, sendJson } from './http-util'

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
    .add(...get('GET /servers', NoQuerySchema, () => d.fleet.list()))
    .add(...act('POST /servers', async (req) => d.fleet.add(await body(req, ServerInputSchema)), 201))
    .add(...act('POST /servers/test', async (req) => d.fleet.test((await body(req, ServerTestBodySchema)).address)))
    .add(...act('PATCH /servers/:id', async (req, p) => d.fleet.update(p.id!, await body(req, ServerPatchSchema))))
    .add(...act('DELETE /servers/:id', (_q, p) => d.fleet.remove(p.id!)))
    .add(...get('GET /farm/servers', NoQuerySchema, () => d.farmServers()))
    .add('POST', '/workflow/execute', (req, res) => execute(d, req, res))
    .add(...get('GET /workflow/status/:id', NoQuerySchema, (_q, p) => status(d, p.id!)))
    .add(...get('GET /workflow/result/:id', ResultQuerySchema, (q, p) => waitedResult(d, p.id!, q.wait_s ?? 0)))
    .add(...get('GET /workflow/events/:id', NoQuerySchema, (_q, p) => events(d, p.id!)))
    .add(...act('POST /workflow/cancel/:id', (_q, p) => d.runs.cancel(p.id!)))
    .add(...act('POST /workflow/rerun/:id', (_q, p) => d.runs.rerun(p.id!), 202))
    .add(...get('GET /runs', RunsQuerySchema, (q) => d.runs.list(q.limit ?? 200)))
    .add(...get('GET /batches', NoQuerySchema, () => d.tracker.batchSummaries()))
    .add(...act('POST /batches/:id/cancel', (_q, p) => d.runs.cancel(p.id!)))
    .add(...get('GET /history', HistoryQueryParamsSchema, (q) => history(d.cache, q)))
    .add(
      ...act('DELETE /history/:id', (_q, p) => {
        const run = d.cache.runs.getSummary(p.id!)
        if (run && !isFinal(run.status))
          throw new HttpError(409, 'history/run-active', `Run ${p.id!} is ${run.status}; cancel it first`)
        return d.cache.deleteRun(p.id!)
      })
    )
}

const json = (res: ServerResponse, status: number, value: unknown): Promise<void> => {
  sendJson(res, status, value)
  return Promise.resolve()
}

/** A JSON body checked against its contract schema (400 with every issue's field path otherwise). */
async function body<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.infer<S>> {
  return parseParams(schema, await readJson(req, BODY_LIMIT), 'The request body')
}

/**
 * A GET route as `router.add`'s arguments: its query string is checked against `schema` first (a 400
 * naming each bad or unknown parameter), and what `answer` returns must be the route's answer type from
 * the contract (RestAnswerSchemas), the one the SDK parses it with.
 */
function get<R extends RestRoute & `GET ${string}`, S extends z.ZodType>(
  route: R,
  schema: S,
  answer: (query: z.infer<S>, params: Record<string, string>) => RestAnswer<R> | Promise<RestAnswer<R>>
): [string, string, RouteHandler] {
  const handler: RouteHandler = async (_req, res, params, url) => {
    const query = parseParams(schema, Object.fromEntries(url.searchParams), 'The query string')
    sendJson(res, 200, await answer(query, params))
  }
  return ['GET', splitRoute(route).path, handler]
}

/**
 * A route that acts (POST, PATCH, DELETE) as `router.add`'s arguments: `run` answers with a Result whose
 * value must be the route's answer type from the contract (RestAnswerSchemas); a refusal is sent as
 * `{ error }` with the status its code means.
 */
function act<R extends Exclude<RestRoute, `GET ${string}`>>(
  route: R,
  run: (req: IncomingMessage, params: Record<string, string>) => Result<RestAnswer<R>> | Promise<Result<RestAnswer<R>>>,
  okStatus = 200
): [string, string, RouteHandler] {
  const { method, path } = splitRoute(route)
  return [method, path, async (req, res, params) => sendResult(res, await run(req, params), okStatus)]
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

/** Accepts `workflow` (any JSON format, object or string), `prompt` (+ `extra_data`), `file` or `files`. */
function submitRequestOf(b: ExecuteBody): SubmitRequest {
  const files: IntakeFile[] = [...(b.file ? [b.file] : []), ...(b.files ?? [])]
  const text = workflowText(b)
  return {
    files,
    ...(text !== undefined ? { text } : {}),
    serverId: b.server ?? null,
    ...(b.count !== undefined ? { count: b.count } : {}),
    ...(b.seeds !== undefined ? { seeds: seedsOf(b.seeds) } : {}),
    ...(b.priority !== undefined ? { priority: b.priority } : {}),
    ...(b.name !== undefined ? { name: b.name } : {}),
  }
}

/**
 * The workflow as text for the intake. A parsed object is measured (without recursion) before it
 * is serialised: JSON.stringify of a 5000-deep object overflows the stack, which must be the
 * intake's 400, not a 500.
 */
function workflowText(b: ExecuteBody): string | undefined {
  if (typeof b.workflow === 'string') return b.workflow
  const value =
    b.workflow !== undefined && b.workflow !== null
      ? b.workflow
      : b.prompt !== undefined
        ? { prompt: b.prompt, ...(b.extra_data ? { extra_data: b.extra_data } : {}) }
        : undefined
  if (value === undefined) return undefined
  if (jsonDepthExceeds(value, MAX_JSON_DEPTH))
    throw new HttpError(
      400,
      INTAKE_ERRORS.tooDeep,
      `The workflow nests deeper than ${MAX_JSON_DEPTH} levels; no workflow does.`
    )
  return JSON.stringify(value)
}

/** `{from, to}` or the CLI's `"a..b"` (the schema has checked the string's shape). */
function seedsOf(v: NonNullable<ExecuteBody['seeds']>): { from: number; to: number } {
  if (typeof v !== 'string') return v
  const [from, to] = v.trim().split('..').map(Number) as [number, number]
  return { from, to }
}

async function execute(d: RestDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const b = await body(req, ExecuteBodySchema)
  const r = await d.runs.submit(submitRequestOf(b))
  if (!r.ok) return sendResult(res, r)
  const { runIds, batchIds } = r.value
  const started: ExecuteStarted = {
    run_ids: runIds,
    batch_ids: batchIds,
    status_urls: runIds.map((id) => `/workflow/status/${id}`),
  }
  if (b.wait !== true || runIds.length !== 1) return json(res, 202, started)
  const timeoutS = Math.min(MAX_WAIT_S, b.timeout_s ?? MAX_WAIT_S)
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
    prompt_id: run.promptId,
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

async function resultOf(d: RestDeps, id: string): Promise<RunResult> {
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

/**
 * `?wait_s=N` holds the answer until the run has finished or N seconds (at most MAX_WAIT_S) have passed:
 * the SDK waits for long runs with a chain of these, each shorter than its HTTP client's timeout.
 */
async function waitedResult(d: RestDeps, id: string, asked: number): Promise<RunResult> {
  if (asked > 0) {
    if (!d.cache.runs.getSummary(id)) throw new HttpError(404, 'runs/unknown', `No run ${id}`)
    await d.tracker.waitFinished(id, Math.min(asked, MAX_WAIT_S) * 1000)
  }
  return await resultOf(d, id)
}

async function events(d: RestDeps, id: string): Promise<RunEvent[]> {
  const run = d.cache.runs.getSummary(id)
  if (!run) throw new HttpError(404, 'runs/unknown', `No run ${id}`)
  return d.tracker.events(run)
}

function history(cache: Cache, q: HistoryQuery): HistoryPage {
  try {
    return cache.searchHistory(q)
  } catch (e) {
    if (e instanceof InvalidHistoryQueryError) throw new HttpError(400, 'history/bad-query', e.message)
    throw e
  }
}
