/**
 * ComfyFleet's TypeScript SDK: the local API (headless mode or the desktop app's API) from scripts.
 *
 *   const fleet = new ComfyFleetClient()                 // http://127.0.0.1:8001, token from the data dir
 *   await fleet.registerServer({ name: 'gpu-1', address: '10.0.0.5:8188' })
 *   const result = await fleet.executeWorkflow('workflow.png')
 *   console.log(result.images.map((i) => i.path))
 */
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { basename, join } from 'node:path'
import WebSocket from 'ws'
import type { z } from 'zod'
import type {
  EventChannel,
  ExecuteBody,
  IntakeFile,
  EventMap,
  HistoryQuery,
  ServerInput,
  ServerPatch,
} from '../src-shared/contract/bridge'
import { historyQueryString } from '../src-shared/contract/query-params'
import { httpCall, readAll } from '../src-shared/net/http-transport'
import {
  ApiErrorBodySchema,
  ExecuteStartedSchema,
  RestAnswerSchemas,
  RunResultSchema,
  splitRoute,
  type BatchSummary,
  type ExecuteStarted,
  type HistoryPage,
  type RestAnswer,
  type RestRoute,
  type RunResult,
  type RunSummary,
  type ServerRemoval,
  type ServerTestResult,
  type SubmitResult,
} from '../src-shared/contract/responses'
import type { RunEvent, RunState, RunStatus } from '../src-shared/contract/runs'
import type { ServerView } from '../src-shared/contract/servers'
import type { FarmServer } from '../src-shared/contract/farm'
import { describeIssues, fieldIssues, missingFieldWording } from '../src-shared/contract/validation'

// The public types are the contract's, inferred from the schemas every answer is parsed with.
export type { RunStatus, RunEvent, OutputRef, RunErrorInfo, RunState } from '../src-shared/contract/runs'
export type { ServerView } from '../src-shared/contract/servers'
export type { FarmServer } from '../src-shared/contract/farm'
export type {
  BatchSummary,
  ExecuteStarted,
  HistoryItem,
  HistoryPage,
  ResultImage,
  RunDetail,
  RunResult,
  RunSummary,
  ServerRemoval,
  ServerTestResult,
  SubmitResult,
} from '../src-shared/contract/responses'
export type { HistoryQuery, ServerInput, ServerPatch } from '../src-shared/contract/bridge'

export interface ClientOptions {
  /** Default http://127.0.0.1:8001 (or $COMFYFLEET_URL). */
  url?: string
  /** Default: $COMFYFLEET_TOKEN, else the `api-token` file in the data dir. */
  token?: string
  /** Where to read the token from: default $COMFYFLEET_DATA_DIR, else ~/.comfyfleet. */
  dataDir?: string
}

export interface ExecuteOptions {
  /** Wait for the run to finish (default true). */
  wait?: boolean
  server?: string
  seeds?: { from: number; to: number } | string
  count?: number
  priority?: number
  name?: string
  timeoutS?: number
}

/** What `submit` started: the runs, or the batches (a seed range or a count). */
export type Submitted = ExecuteStarted

/** What the API refused, with its stable code (e.g. `intake/unknown-node-types`) and HTTP status. */
export class ComfyFleetError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly details?: unknown
  ) {
    super(message)
    this.name = 'ComfyFleetError'
  }
}

/** A workflow as a script has it: a file path, parsed JSON (API/UI/envelope), or raw bytes with a name. */
export type WorkflowInput = string | Record<string, unknown> | { name: string; bytes: Uint8Array }

/**
 * The longest one request is held open while waiting: a long wait (a 2-hour video run) is a chain of
 * requests of at most this long, so no connection is held open for hours.
 */
const WAIT_CHUNK_S = 240
const FINAL: ReadonlySet<RunState> = new Set(['completed', 'failed', 'cancelled'])
const BATCH_POLL_MS = 1_000

/** An answer of the local API, read whole. */
interface Answer {
  status: number
  bytes: Buffer
}

/** Seconds the next wait may last: a chunk, or what is left before the deadline. */
function chunkS(deadline: number): number {
  const left = Math.ceil((deadline - Date.now()) / 1000)
  return Math.max(1, Math.min(WAIT_CHUNK_S, left))
}

export class ComfyFleetClient {
  readonly url: string
  private readonly token: string

  constructor(opts: ClientOptions = {}) {
    this.url = (opts.url ?? process.env.COMFYFLEET_URL ?? 'http://127.0.0.1:8001').replace(/\/+$/, '')
    this.token = opts.token ?? process.env.COMFYFLEET_TOKEN ?? readToken(opts.dataDir)
  }

  registerServer(input: ServerInput): Promise<ServerView> {
    return this.call('POST /servers', '/servers', input)
  }
  listServers(): Promise<ServerView[]> {
    return this.call('GET /servers', '/servers')
  }
  updateServer(id: string, patch: ServerPatch): Promise<ServerView> {
    return this.call('PATCH /servers/:id', `/servers/${encodeURIComponent(id)}`, patch)
  }
  drainServer(id: string, draining = true): Promise<ServerView> {
    return this.updateServer(id, { draining })
  }
  /** Removes a server; runs on it are moved to other servers first (`moved` lists them). */
  removeServer(id: string): Promise<ServerRemoval> {
    return this.call('DELETE /servers/:id', `/servers/${encodeURIComponent(id)}`)
  }
  testServer(address: string): Promise<ServerTestResult> {
    return this.call('POST /servers/test', '/servers/test', { address })
  }
  /** Servers of the farm's workers (remote Temporal), as their owners report them. */
  farmServers(): Promise<FarmServer[]> {
    return this.call('GET /farm/servers', '/farm/servers')
  }

  /**
   * Run one workflow; with `wait` (the default) resolves when it has finished, however long that takes
   * (a 2-hour video run), or after `timeoutS` with the run's current state. A seed range or a count
   * makes a batch, which has no single result: start those with {@link submit} and wait with
   * {@link waitForBatch}.
   */
  async executeWorkflow(workflow: WorkflowInput, opts: ExecuteOptions = {}): Promise<RunResult> {
    if (opts.seeds !== undefined || (opts.count ?? 1) > 1)
      throw new ComfyFleetError(
        'executeWorkflow runs one workflow once; for seeds or count > 1 use submit() and waitForBatch()',
        'client/not-one-run',
        0
      )
    const wait = opts.wait ?? true
    const deadline = opts.timeoutS ? Date.now() + opts.timeoutS * 1000 : Number.POSITIVE_INFINITY
    const res = await this.fetch('POST', '/workflow/execute', {
      ...workflowBody(workflow),
      ...executeFields({ ...opts, timeoutS: undefined }),
      wait,
      ...(wait ? { timeout_s: chunkS(deadline) } : {}),
    })
    // 200: it waited and the run has finished; 202: started (and, with `wait`, still going).
    if (res.status === 200) return answerOf(res, RunResultSchema, 'POST /workflow/execute')
    const started = answerOf(res, ExecuteStartedSchema, 'POST /workflow/execute')
    const id = started.run_ids[0]
    if (started.run_ids.length !== 1 || id === undefined)
      throw new ComfyFleetError(
        `The workflow started ${started.batch_ids.length} batch(es), not one run: wait with waitForBatch()`,
        'client/not-one-run',
        0,
        started
      )
    return wait ? await this.waitForRun(id, opts.timeoutS) : await this.result(id)
  }

  /** Start runs (or batches) without waiting. */
  submit(workflow: WorkflowInput, opts: Omit<ExecuteOptions, 'wait'> = {}): Promise<Submitted> {
    return this.start({ ...workflowBody(workflow), ...executeFields(opts), wait: false })
  }

  /**
   * Start many runs in one request, without waiting: one run per workflow (or one batch each with
   * `seeds`/`count`). The engine starts them concurrently, longest expected work first (the order of a
   * burst is the scheduler's to choose); `run_ids` keep the order of `workflows`.
   */
  submitMany(workflows: WorkflowInput[], opts: Omit<ExecuteOptions, 'wait'> = {}): Promise<Submitted> {
    const files = workflows.map((w, i) => fileOf(w, `workflow-${i + 1}.json`))
    return this.start({ files, ...executeFields(opts), wait: false })
  }

  /** POST /workflow/execute without waiting: the 202 answer, parsed. */
  private async start(body: Record<string, unknown>): Promise<Submitted> {
    const res = await this.fetch('POST', '/workflow/execute', body)
    return answerOf(res, ExecuteStartedSchema, 'POST /workflow/execute')
  }

  /** A one-time link that signs a browser in to the UI (for the CLI's `open`, or a script). */
  async loginUrl(): Promise<string> {
    return (await this.call('POST /auth/login-link', '/auth/login-link')).url
  }

  /** Resolves when the run has finished (or after `timeoutS`, with its state then). */
  async waitForRun(id: string, timeoutS?: number): Promise<RunResult> {
    const deadline = timeoutS ? Date.now() + timeoutS * 1000 : Number.POSITIVE_INFINITY
    for (;;) {
      const path = `/workflow/result/${encodeURIComponent(id)}?wait_s=${chunkS(deadline)}`
      const r = await this.call('GET /workflow/result/:id', path)
      if (FINAL.has(r.status) || Date.now() >= deadline) return r
    }
  }

  /** Resolves when every run of the batch has finished (or after `timeoutS`, with its state then). */
  async waitForBatch(id: string, timeoutS?: number): Promise<BatchSummary> {
    const deadline = timeoutS ? Date.now() + timeoutS * 1000 : Number.POSITIVE_INFINITY
    for (;;) {
      const batch = (await this.batches()).find((b) => b.id === id)
      if (!batch) throw new ComfyFleetError(`No batch ${id}`, 'runs/unknown', 404)
      if (FINAL.has(batch.status) || Date.now() >= deadline) return batch
      await new Promise((r) => setTimeout(r, BATCH_POLL_MS))
    }
  }

  status(id: string): Promise<RunStatus> {
    return this.call('GET /workflow/status/:id', `/workflow/status/${encodeURIComponent(id)}`)
  }
  /** The run's images (with their paths in this machine's cache) and the whole run (prompt, UI workflow). */
  result(id: string): Promise<RunResult> {
    return this.call('GET /workflow/result/:id', `/workflow/result/${encodeURIComponent(id)}`)
  }
  events(id: string): Promise<RunEvent[]> {
    return this.call('GET /workflow/events/:id', `/workflow/events/${encodeURIComponent(id)}`)
  }
  cancel(id: string): Promise<null> {
    return this.call('POST /workflow/cancel/:id', `/workflow/cancel/${encodeURIComponent(id)}`)
  }
  /** Run it again (a new run, same workflow). */
  rerun(id: string): Promise<SubmitResult> {
    return this.call('POST /workflow/rerun/:id', `/workflow/rerun/${encodeURIComponent(id)}`)
  }
  runs(limit = 200): Promise<RunSummary[]> {
    return this.call('GET /runs', `/runs?limit=${limit}`)
  }
  batches(): Promise<BatchSummary[]> {
    return this.call('GET /batches', '/batches')
  }
  cancelBatch(id: string): Promise<null> {
    return this.call('POST /batches/:id/cancel', `/batches/${encodeURIComponent(id)}/cancel`)
  }

  history(query: HistoryQuery = {}): Promise<HistoryPage> {
    return this.call('GET /history', `/history?${historyQueryString(query)}`)
  }
  deleteRun(id: string): Promise<null> {
    return this.call('DELETE /history/:id', `/history/${encodeURIComponent(id)}`)
  }

  /** Bytes of a cached image (or its thumbnail) by content hash. */
  async image(hash: string, kind: 'full' | 'thumb' = 'full'): Promise<Buffer> {
    const res = await this.fetch('GET', `/api/${kind === 'thumb' ? 'thumbs' : 'images'}/${hash}`)
    return res.bytes
  }

  /** Live events (progress, run changes, servers); returns a function that closes the socket. */
  subscribe(listener: <K extends EventChannel>(channel: K, payload: EventMap[K]) => void): () => void {
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/api/events?token=${encodeURIComponent(this.token)}`)
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as { channel: EventChannel; payload: never }
      listener(frame.channel, frame.payload)
    })
    ws.on('error', () => undefined)
    return () => ws.close()
  }

  /** One request to `route` (its method, and the schema its answer is parsed with) at `path`. */
  private async call<R extends RestRoute>(route: R, path: string, body?: unknown): Promise<RestAnswer<R>> {
    const res = await this.fetch(splitRoute(route).method, path, body)
    return answerOf(res, RestAnswerSchemas[route], route)
  }

  /** One request, its answer read whole; a refusal (4xx/5xx) is thrown as the API words it. */
  private async fetch(method: string, path: string, body?: unknown): Promise<Answer> {
    let res: Answer
    try {
      const answer = await httpCall(this.url + path, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      res = { status: answer.status, bytes: await readAll(answer) }
    } catch (e) {
      const cause = (e as { code?: string }).code ?? (e as Error).message
      throw new ComfyFleetError(
        `Cannot reach ComfyFleet at ${this.url} (${cause}). Is it running (npm run serve)?`,
        'client/unreachable',
        0
      )
    }
    if (res.status >= 200 && res.status < 300) return res
    throw refusalOf(res.status, res.bytes.toString('utf8'))
  }
}

/**
 * The answer's JSON parsed with its contract schema. A server that answers something else (an older or
 * broken one, or not ComfyFleet at all) is a `client/bad-answer` naming each wrong field's path, rather
 * than a wrong value found later, deep in a script.
 */
function answerOf<T>(res: Answer, schema: z.ZodType<T>, route: string): T {
  const text = res.bytes.toString('utf8')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new ComfyFleetError(
      `The answer to ${route} is not JSON: ${text.slice(0, 80)}`,
      'client/bad-answer',
      res.status
    )
  }
  const parsed = schema.safeParse(json, { error: missingFieldWording })
  if (parsed.success) return parsed.data
  const issues = fieldIssues(parsed.error)
  throw new ComfyFleetError(
    `The answer to ${route} is not what the API promises: ${describeIssues(issues, 'the answer')}`,
    'client/bad-answer',
    res.status,
    { issues }
  )
}

/** A refusal as the API words it (`{ error: { code, message, details? } }`), or its status and text. */
function refusalOf(status: number, text: string): ComfyFleetError {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    /* not JSON: use the text */
  }
  const parsed = ApiErrorBodySchema.safeParse(body)
  if (!parsed.success) return new ComfyFleetError(text || `HTTP ${status}`, `http/${status}`, status)
  const { code, message, details } = parsed.data.error
  return new ComfyFleetError(message, code, status, details)
}

function readToken(dataDir?: string): string {
  const dir = dataDir ?? process.env.COMFYFLEET_DATA_DIR ?? join(homedir(), '.comfyfleet')
  try {
    return readFileSync(join(dir, 'api-token'), 'utf8').trim()
  } catch {
    return ''
  }
}

/** The request bodies are typed by the same contract schemas the server validates them with. */
function workflowBody(w: WorkflowInput): ExecuteBody {
  if (typeof w === 'string' || isNamedBytes(w)) return { file: fileOf(w, '') }
  return { workflow: w }
}

function isNamedBytes(w: WorkflowInput): w is { name: string; bytes: Uint8Array } {
  return typeof w === 'object' && 'bytes' in w && w.bytes instanceof Uint8Array && typeof w.name === 'string'
}

/** A workflow as an intake file: a path is read, bytes are sent as they are, an object as its JSON. */
function fileOf(w: WorkflowInput, nameForObject: string): IntakeFile {
  if (typeof w === 'string') return { name: basename(w), dataBase64: readFileSync(w).toString('base64') }
  if (isNamedBytes(w)) return { name: w.name, dataBase64: Buffer.from(w.bytes).toString('base64') }
  return { name: nameForObject, dataBase64: Buffer.from(JSON.stringify(w), 'utf8').toString('base64') }
}

function executeFields(o: Omit<ExecuteOptions, 'wait'>): ExecuteBody {
  return {
    ...(o.server ? { server: o.server } : {}),
    ...(o.seeds ? { seeds: o.seeds } : {}),
    ...(o.count !== undefined ? { count: o.count } : {}),
    ...(o.priority !== undefined ? { priority: o.priority } : {}),
    ...(o.name ? { name: o.name } : {}),
    ...(o.timeoutS ? { timeout_s: o.timeoutS } : {}),
  }
}
