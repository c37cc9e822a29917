/**
 * The one HTTP client of a ComfyUI server, used by the fleet's health loop, "test connection", the
 * worker's probe and the engine. Every call has a timeout, and failures follow one error model
 * (errors.ts): "did not answer" (refused, or slow: `timedOut`), "answered with an error", "not ComfyUI".
 */
import { parseObjectInfo, parseQueueRemaining, parseSystemStats } from './answers'
import { ComfyHttpError, ComfyUnreachableError } from './errors'
import type {
  HistoryEntry,
  ImageRef,
  ObjectInfo,
  PostPromptBody,
  PromptErrorBody,
  QueueResponse,
  SystemStats,
} from './types'

/** Told about every request's fate (the server's liveness record, see liveness.ts). */
export interface RequestObserver {
  noteSign(): void
  noteFailure(error: unknown): void
}

export interface ComfyHttpOptions {
  /** Per-request timeout for control calls (queue, history, prompt). */
  timeoutMs?: number
  /** Timeout for downloads and /object_info, which can be large. */
  longTimeoutMs?: number
  observer?: RequestObserver
}

export type PostPromptResult =
  { ok: true; promptId: string; number: number } | { ok: false; status: number; body: PromptErrorBody }

export class ComfyHttpClient {
  readonly address: string
  private readonly timeoutMs: number
  private readonly longTimeoutMs: number
  private readonly observer: RequestObserver | undefined

  constructor(address: string, options: ComfyHttpOptions = {}) {
    this.address = address.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? 5_000
    this.longTimeoutMs = options.longTimeoutMs ?? 30_000
    this.observer = options.observer
  }

  /** POST /prompt. A 400 is a normal answer (validation failed), not an exception. */
  async postPrompt(body: PostPromptBody): Promise<PostPromptResult> {
    const res = await this.request('POST /prompt', '/prompt', { method: 'POST', body: JSON.stringify(body) })
    const parsed = await readBody(res, this.address, 'POST /prompt')
    if (res.ok) {
      const ok = parsed as { prompt_id?: string; number?: number }
      return { ok: true, promptId: ok.prompt_id ?? body.prompt_id, number: ok.number ?? 0 }
    }
    if (res.status === 400 || res.status === 409)
      return { ok: false, status: res.status, body: parsed as PromptErrorBody }
    throw new ComfyHttpError(this.address, 'POST /prompt', res.status, parsed)
  }

  async getQueue(): Promise<QueueResponse> {
    return (await this.getJson('GET /queue', '/queue')) as QueueResponse
  }

  /** GET /history/{id}: the entry, or null when the server has no record of it. */
  /** GET /history?max_items=N: the newest N entries (an old server's prompts are found by their marker). */
  async getRecentHistory(maxItems: number): Promise<Record<string, HistoryEntry>> {
    const all = await this.getJson('GET /history', `/history?max_items=${maxItems}`)
    return typeof all === 'object' && all !== null ? (all as Record<string, HistoryEntry>) : {}
  }

  async getHistory(promptId: string): Promise<HistoryEntry | null> {
    const all = (await this.getJson('GET /history', `/history/${encodeURIComponent(promptId)}`)) as Record<
      string,
      HistoryEntry
    >
    return all[promptId] ?? null
  }

  /** Remove pending prompts (running ones are untouched: use interrupt). */
  async deleteFromQueue(promptIds: string[]): Promise<void> {
    await this.postJson('POST /queue', '/queue', { delete: promptIds })
  }

  /** Targeted interrupt: a no-op on the server unless this prompt is the one running. Never global. */
  async interrupt(promptId: string): Promise<void> {
    await this.postJson('POST /interrupt', '/interrupt', { prompt_id: promptId })
  }

  async deleteHistory(promptIds: string[]): Promise<void> {
    await this.postJson('POST /history', '/history', { delete: promptIds })
  }

  /** GET /system_stats, checked (device, version, argv). */
  async systemStats(): Promise<SystemStats> {
    return parseSystemStats(await this.getJson('GET /system_stats', '/system_stats'), this.address)
  }

  /** GET /prompt: how many prompts the server holds (queued + running). */
  async queueRemaining(): Promise<number> {
    return parseQueueRemaining(await this.getJson('GET /prompt', '/prompt'), this.address)
  }

  /** GET /object_info (large: the long timeout). */
  async objectInfo(): Promise<ObjectInfo> {
    return parseObjectInfo(await this.getJson('GET /object_info', '/object_info', this.longTimeoutMs), this.address)
  }

  /** GET /view of an output image: its bytes and content type. */
  async view(image: ImageRef): Promise<{ bytes: Buffer; contentType: string }> {
    const query = new URLSearchParams({ filename: image.filename, subfolder: image.subfolder, type: image.type })
    const res = await this.request('GET /view', `/view?${query.toString()}`, {}, this.longTimeoutMs)
    if (!res.ok) throw new ComfyHttpError(this.address, 'GET /view', res.status, await readBody(res))
    const bytes = Buffer.from(await res.arrayBuffer())
    return { bytes, contentType: res.headers.get('content-type') ?? 'application/octet-stream' }
  }

  private async getJson(operation: string, path: string, timeoutMs?: number): Promise<unknown> {
    const res = await this.request(operation, path, {}, timeoutMs)
    const body = await readBody(res, this.address, operation)
    if (!res.ok) throw new ComfyHttpError(this.address, operation, res.status, body)
    return body
  }

  private async postJson(operation: string, path: string, payload: unknown): Promise<void> {
    const res = await this.request(operation, path, { method: 'POST', body: JSON.stringify(payload) })
    const body = await readBody(res, this.address, operation)
    if (!res.ok) throw new ComfyHttpError(this.address, operation, res.status, body)
  }

  private async request(operation: string, path: string, init: RequestInit, timeoutMs?: number): Promise<Response> {
    const limit = timeoutMs ?? this.timeoutMs
    try {
      const res = await fetch(`${this.address}${path}`, {
        ...init,
        headers: init.body === undefined ? undefined : { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(limit),
      })
      this.observer?.noteSign()
      return res
    } catch (error) {
      const failure = unreachable(this.address, operation, limit, error)
      this.observer?.noteFailure(failure)
      throw failure
    }
  }
}

/** The body as JSON (or text); a body cut off by the timeout is a slow answer, not a broken one. */
async function readBody(res: Response, address = '', operation = ''): Promise<unknown> {
  let text: string
  try {
    text = await res.text()
  } catch (error) {
    throw unreachable(address || res.url, operation || 'a request', null, error)
  }
  if (text === '') return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function unreachable(
  address: string,
  operation: string,
  limitMs: number | null,
  error: unknown
): ComfyUnreachableError {
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
  if (timedOut) {
    return new ComfyUnreachableError(address, operation, limitMs === null ? 'in time' : `within ${limitMs} ms`, true)
  }
  return new ComfyUnreachableError(address, operation, describeFetchError(error))
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = (error as Error & { cause?: unknown }).cause
  if (cause instanceof Error) return `${error.message} (${(cause as Error & { code?: string }).code ?? cause.message})`
  return error.message
}
