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
import type {
  BatchSummary,
  EventChannel,
  ExecuteBody,
  IntakeFile,
  EventMap,
  HistoryPage,
  HistoryQuery,
  RunSummary,
  ServerInput,
  ServerPatch,
  ServerRemoval,
  ServerTestResult,
} from '../src-shared/contract/bridge'
import type { OutputRef, RunErrorInfo, RunEvent, RunState, RunStatus } from '../src-shared/contract/runs'
import type { ServerView } from '../src-shared/contract/servers'

export type { RunStatus, RunEvent, ServerView, HistoryPage, RunSummary, BatchSummary }

export interface ClientOptions {
  /** Default http://127.0.0.1:8001 (or $COMFYFLEET_URL). */
  url?: string
  /** Default: $COMFYFLEET_TOKEN, else the `api-token` file in the data dir. */
  token?: string
  /** Where to read the token from: default $COMFYFLEET_DATA_DIR, else ~/.comfyfleet. */
  dataDir?: string
}

export interface ExecuteOptions {
  /** Wait for the run to finish (default true for a single run). */
  wait?: boolean
  server?: string
  seeds?: { from: number; to: number } | string
  count?: number
  priority?: number
  name?: string
  timeoutS?: number
}

export interface ResultImage extends OutputRef {
  /** Where the image is in the cache on this machine. */
  path: string | null
  url: string
  thumb_url: string
}

export interface RunResult {
  run_id: string
  status: RunState
  error: RunErrorInfo | null
  images: ResultImage[]
}

export interface Submitted {
  run_ids: string[]
  batch_ids: string[]
}

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
 * The longest one request is held open while waiting. Node's fetch gives up on a response whose headers
 * take over 300 s (undici's headersTimeout, not settable without the undici package), so a long wait is a
 * chain of shorter ones.
 */
const WAIT_CHUNK_S = 240
const FINAL: ReadonlySet<RunState> = new Set(['completed', 'failed', 'cancelled'])
const BATCH_POLL_MS = 1_000

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
    return this.call('POST', '/servers', input)
  }
  listServers(): Promise<ServerView[]> {
    return this.call('GET', '/servers')
  }
  updateServer(id: string, patch: ServerPatch): Promise<ServerView> {
    return this.call('PATCH', `/servers/${encodeURIComponent(id)}`, patch)
  }
  drainServer(id: string, draining = true): Promise<ServerView> {
    return this.updateServer(id, { draining })
  }
  /** Removes a server; runs on it are moved to other servers first (`moved` lists them). */
  removeServer(id: string): Promise<ServerRemoval> {
    return this.call('DELETE', `/servers/${encodeURIComponent(id)}`)
  }
  testServer(address: string): Promise<ServerTestResult> {
    return this.call('POST', '/servers/test', { address })
  }

  /**
   * Run a workflow; with `wait` (the default for one run) resolves when it has finished, however long
   * that takes (a 2-hour video run), or after `timeoutS` with the run's current state.
   */
  async executeWorkflow(workflow: WorkflowInput, opts: ExecuteOptions = {}): Promise<RunResult> {
    const wait = opts.wait ?? true
    const deadline = opts.timeoutS ? Date.now() + opts.timeoutS * 1000 : Number.POSITIVE_INFINITY
    const r = await this.call<RunResult | (Submitted & { message?: string })>('POST', '/workflow/execute', {
      ...workflowBody(workflow),
      ...executeFields({ ...opts, timeoutS: undefined }),
      wait,
      ...(wait ? { timeout_s: chunkS(deadline) } : {}),
    })
    if ('images' in r) return r
    const id = r.run_ids[0] ?? r.batch_ids[0] ?? ''
    if (wait && r.run_ids.length === 1) return await this.waitForRun(id, opts.timeoutS)
    const status = await this.status(id).catch(() => null)
    return { run_id: id, status: status?.status ?? 'pending', error: status?.error ?? null, images: [] }
  }

  /** Start runs (or batches) without waiting. */
  submit(workflow: WorkflowInput, opts: Omit<ExecuteOptions, 'wait'> = {}): Promise<Submitted> {
    return this.call('POST', '/workflow/execute', { ...workflowBody(workflow), ...executeFields(opts), wait: false })
  }

  /**
   * Start many runs in one request, without waiting: one run per workflow (or one batch each with
   * `seeds`/`count`). The engine starts them concurrently, longest expected work first (the order of a
   * burst is the scheduler's to choose); `run_ids` keep the order of `workflows`.
   */
  submitMany(workflows: WorkflowInput[], opts: Omit<ExecuteOptions, 'wait'> = {}): Promise<Submitted> {
    const files = workflows.map((w, i) => fileOf(w, `workflow-${i + 1}.json`))
    return this.call('POST', '/workflow/execute', { files, ...executeFields(opts), wait: false })
  }

  /** A one-time link that signs a browser in to the UI (for the CLI's `open`, or a script). */
  async loginUrl(): Promise<string> {
    return (await this.call<{ url: string }>('POST', '/auth/login-link')).url
  }

  /** Resolves when the run has finished (or after `timeoutS`, with its state then). */
  async waitForRun(id: string, timeoutS?: number): Promise<RunResult> {
    const deadline = timeoutS ? Date.now() + timeoutS * 1000 : Number.POSITIVE_INFINITY
    for (;;) {
      const path = `/workflow/result/${encodeURIComponent(id)}?wait_s=${chunkS(deadline)}`
      const r = await this.call<RunResult>('GET', path)
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
    return this.call('GET', `/workflow/status/${encodeURIComponent(id)}`)
  }
  result(id: string): Promise<RunResult> {
    return this.call('GET', `/workflow/result/${encodeURIComponent(id)}`)
  }
  events(id: string): Promise<RunEvent[]> {
    return this.call('GET', `/workflow/events/${encodeURIComponent(id)}`)
  }
  cancel(id: string): Promise<null> {
    return this.call('POST', `/workflow/cancel/${encodeURIComponent(id)}`)
  }
  runs(limit = 200): Promise<RunSummary[]> {
    return this.call('GET', `/runs?limit=${limit}`)
  }
  batches(): Promise<BatchSummary[]> {
    return this.call('GET', '/batches')
  }

  history(query: HistoryQuery = {}): Promise<HistoryPage> {
    const q = new URLSearchParams()
    if (query.text) q.set('q', query.text)
    if (query.status?.length) q.set('status', query.status.join(','))
    if (query.serverId) q.set('server', query.serverId)
    if (query.model) q.set('model', query.model)
    if (query.from !== undefined) q.set('from', String(query.from))
    if (query.to !== undefined) q.set('to', String(query.to))
    if (query.batchId) q.set('batch', query.batchId)
    if (query.sort) q.set('sort', query.sort)
    if (query.cursor) q.set('cursor', query.cursor)
    if (query.limit !== undefined) q.set('limit', String(query.limit))
    return this.call('GET', `/history?${q.toString()}`)
  }
  deleteRun(id: string): Promise<null> {
    return this.call('DELETE', `/history/${encodeURIComponent(id)}`)
  }

  /** Bytes of a cached image (or its thumbnail) by content hash. */
  async image(hash: string, kind: 'full' | 'thumb' = 'full'): Promise<Buffer> {
    const res = await this.fetch('GET', `/api/${kind === 'thumb' ? 'thumbs' : 'images'}/${hash}`)
    return Buffer.from(await res.arrayBuffer())
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

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(method, path, body)
    return (await res.json()) as T
  }

  private async fetch(method: string, path: string, body?: unknown): Promise<Response> {
    let res: Response
    try {
      res = await fetch(this.url + path, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message
      throw new ComfyFleetError(
        `Cannot reach ComfyFleet at ${this.url} (${cause}). Is it running (npm run serve)?`,
        'client/unreachable',
        0
      )
    }
    if (res.ok) return res
    const text = await res.text()
    let error: { code?: string; message?: string; details?: unknown } = {}
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error ?? {}
    } catch {
      /* not JSON: use the text */
    }
    throw new ComfyFleetError(
      error.message ?? (text || `HTTP ${res.status}`),
      error.code ?? `http/${res.status}`,
      res.status,
      error.details
    )
  }
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
