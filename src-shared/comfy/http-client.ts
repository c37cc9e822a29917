/**
 * The one HTTP client of a ComfyUI server, used by the fleet's health loop, "test connection", the
 * worker's probe and the engine. Every call has a timeout, and failures follow one error model
 * (errors.ts): "did not answer" (refused, or slow: `timedOut`), "answered with an error", "not ComfyUI",
 * "answered in a way we refuse" (a redirect, an oversized body).
 */
import { createHash } from 'node:crypto'
import { httpCall, type HttpAnswer, type HttpCall } from '../net/http-transport'
import { parseObjectInfo, parseQueueRemaining, parseSystemStats } from './answers'
import { ComfyHttpError, ComfyRefusedAnswer, ComfyUnreachableError } from './errors'
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
  /** Timeout for /object_info, which can be large; a download's limit is on silence, not on its length. */
  longTimeoutMs?: number
  /** A download fails when no byte has arrived for this long (a slow but flowing one is never cut). */
  idleTimeoutMs?: number
  /** The largest output file accepted from /view. */
  maxDownloadBytes?: number
  /** The largest JSON answer (queue, history, errors) accepted; default {@link MAX_JSON_BYTES}. */
  maxJsonBytes?: number
  observer?: RequestObserver
}

/** Output files larger than this are refused: a server cannot fill the disk with one answer. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 4 * 1024 ** 3

/** A /view answer being read: its chunks arrive as the server sends them. */
export interface Download {
  contentType: string
  chunks: AsyncIterable<Uint8Array>
}

export type PostPromptResult =
  { ok: true; promptId: string; number: number } | { ok: false; status: number; body: PromptErrorBody }

export class ComfyHttpClient {
  readonly address: string
  private readonly timeoutMs: number
  private readonly longTimeoutMs: number
  private readonly idleTimeoutMs: number
  private readonly maxDownloadBytes: number
  private readonly maxJsonBytes: number
  private readonly observer: RequestObserver | undefined

  constructor(address: string, options: ComfyHttpOptions = {}) {
    this.address = address.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? 5_000
    this.longTimeoutMs = options.longTimeoutMs ?? 30_000
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000
    this.maxDownloadBytes = options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES
    this.maxJsonBytes = options.maxJsonBytes ?? MAX_JSON_BYTES
    this.observer = options.observer
  }

  /** POST /prompt. A 400 is a normal answer (validation failed), not an exception. */
  async postPrompt(body: PostPromptBody): Promise<PostPromptResult> {
    const res = await this.request('POST /prompt', '/prompt', { method: 'POST', body: JSON.stringify(body) })
    const parsed = await this.readBody(res, 'POST /prompt')
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
  async getHistory(promptId: string): Promise<HistoryEntry | null> {
    const all = (await this.getJson('GET /history', `/history/${encodeURIComponent(promptId)}`)) as Record<
      string,
      HistoryEntry
    >
    return all[promptId] ?? null
  }

  /** GET /history?max_items=N: the newest N entries (an old server's prompts are found by their marker). */
  async getRecentHistory(maxItems: number): Promise<Record<string, HistoryEntry>> {
    const all = await this.getJson('GET /history', `/history?max_items=${maxItems}`)
    return typeof all === 'object' && all !== null ? (all as Record<string, HistoryEntry>) : {}
  }

  /** Remove pending prompts (running ones are untouched: use interrupt). */
  async deleteFromQueue(promptIds: string[]): Promise<void> {
    await this.postJson('POST /queue', '/queue', { delete: promptIds })
  }

  /** Targeted interrupt: a no-op on the server unless this prompt is the one running. Never global. */
  async interrupt(promptId: string): Promise<void> {
    await this.postJson('POST /interrupt', '/interrupt', { prompt_id: promptId })
  }

  /** POST /free: `free_memory` also resets ComfyUI's node cache (applied after the running prompt). */
  async free(options: { unloadModels: boolean; freeMemory: boolean }): Promise<void> {
    await this.postJson('POST /free', '/free', { unload_models: options.unloadModels, free_memory: options.freeMemory })
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

  /**
   * GET /object_info of at most `maxBytes`, with the sha256 of its bytes: a reader that sees the same hash
   * again need not parse, store or send it again (a 64 MB document held and parsed on every probe stalled main).
   */
  async objectInfoDocument(maxBytes: number): Promise<{ objectInfo: ObjectInfo; sha256: string }> {
    const operation = 'GET /object_info'
    const res = await this.request(operation, '/object_info', {}, this.longTimeoutMs)
    const bytes = await this.readBytes(res, operation, maxBytes)
    const body = parseText(bytes.toString('utf8'))
    if (!res.ok) throw new ComfyHttpError(this.address, operation, res.status, body)
    return {
      objectInfo: parseObjectInfo(body, this.address),
      sha256: createHash('sha256').update(bytes).digest('hex'),
    }
  }

  /**
   * GET /view of an output file, streamed: the caller stores the chunks as they come, so memory stays
   * bounded whatever the size. It fails when the server goes silent for `idleTimeoutMs` (as unreachable,
   * so the caller's patience applies) or sends more than `maxDownloadBytes` (refused).
   */
  async view(image: ImageRef): Promise<Download> {
    const query = new URLSearchParams({ filename: image.filename, subfolder: image.subfolder, type: image.type })
    const res = await this.request('GET /view', `/view?${query.toString()}`, { idleTimeoutMs: this.idleTimeoutMs })
    if (!res.ok) throw new ComfyHttpError(this.address, 'GET /view', res.status, await this.readBody(res, 'GET /view'))
    const declared = Number(res.header('content-length') ?? NaN)
    if (declared > this.maxDownloadBytes) {
      res.cancel()
      throw this.tooLarge(declared)
    }
    return {
      contentType: res.header('content-type') ?? 'application/octet-stream',
      chunks: this.chunksOf(res),
    }
  }

  private async *chunksOf(res: HttpAnswer): AsyncGenerator<Uint8Array> {
    let total = 0
    try {
      for await (const chunk of res.body) {
        total += chunk.byteLength
        if (total > this.maxDownloadBytes) throw this.tooLarge(total)
        yield chunk
      }
    } catch (error) {
      if (error instanceof ComfyRefusedAnswer) throw error
      throw new ComfyUnreachableError(this.address, 'GET /view', describeError(error))
    } finally {
      // A consumer that stops early (or a refusal) leaves the rest unread: the connection is closed.
      res.cancel()
    }
  }

  private tooLarge(bytes: number): ComfyRefusedAnswer {
    const size = (n: number): string => (n < 1024 ** 2 ? `${Math.ceil(n / 1024)} KB` : `${Math.ceil(n / 1024 ** 2)} MB`)
    const reason = `a file of at least ${size(bytes)}, more than the ${size(this.maxDownloadBytes)} accepted`
    return new ComfyRefusedAnswer(this.address, 'GET /view', reason)
  }

  /** A JSON answer (or its text), read up to the cap: a server cannot make the worker hold more. */
  private async readBody(res: HttpAnswer, operation: string): Promise<unknown> {
    return parseText((await this.readBytes(res, operation, this.maxJsonBytes)).toString('utf8'))
  }

  /** The body's bytes, refused as soon as they pass `maxBytes` (declared or counted): never more is held. */
  private async readBytes(res: HttpAnswer, operation: string, maxBytes: number): Promise<Buffer> {
    if (Number(res.header('content-length') ?? 0) > maxBytes) {
      res.cancel()
      throw new ComfyRefusedAnswer(this.address, operation, answerTooLarge(maxBytes))
    }
    const chunks: Uint8Array[] = []
    let total = 0
    try {
      // Leaving the loop early cancels the stream (the iterator's return()), so nothing more is read.
      for await (const chunk of res.body) {
        total += chunk.byteLength
        if (total > maxBytes) break
        chunks.push(chunk)
      }
    } catch (error) {
      // A body cut off by the timeout is a slow answer, not a broken one.
      throw unreachable(this.address, operation, null, error)
    }
    if (total > maxBytes) throw new ComfyRefusedAnswer(this.address, operation, answerTooLarge(maxBytes))
    return Buffer.concat(chunks)
  }

  private async getJson(operation: string, path: string, timeoutMs?: number): Promise<unknown> {
    const res = await this.request(operation, path, {}, timeoutMs)
    const body = await this.readBody(res, operation)
    if (!res.ok) throw new ComfyHttpError(this.address, operation, res.status, body)
    return body
  }

  private async postJson(operation: string, path: string, payload: unknown): Promise<void> {
    const res = await this.request(operation, path, { method: 'POST', body: JSON.stringify(payload) })
    const body = await this.readBody(res, operation)
    if (!res.ok) throw new ComfyHttpError(this.address, operation, res.status, body)
  }

  /**
   * One call; a control call (no idle limit given) must end within its timeout, headers and body. Its
   * failure to answer is told to the observer; a redirect is refused: a server may not send the worker to
   * another host (blind SSRF; its answer would be stored).
   */
  private async request(operation: string, path: string, call: HttpCall, timeoutMs?: number): Promise<HttpAnswer> {
    const limit = call.idleTimeoutMs === undefined ? (timeoutMs ?? this.timeoutMs) : null
    let res: HttpAnswer
    try {
      res = await httpCall(`${this.address}${path}`, {
        ...call,
        ...(call.body === undefined ? {} : { headers: { 'content-type': 'application/json' } }),
        ...(limit === null ? {} : { timeoutMs: limit }),
      })
      this.observer?.noteSign()
    } catch (error) {
      const failure = unreachable(this.address, operation, limit ?? call.idleTimeoutMs ?? null, error)
      this.observer?.noteFailure(failure)
      throw failure
    }
    if (res.status >= 300 && res.status < 400) {
      res.cancel()
      const to = res.header('location') ?? '(no location)'
      throw new ComfyRefusedAnswer(this.address, operation, `a redirect to ${to.slice(0, 200)}, which is not followed`)
    }
    return res
  }
}

/**
 * JSON answers (queue, history, errors) are read up to this size: a prompt's history entry with thousands of
 * outputs is well under 10 MB, and a server that sends more cannot make the worker hold it.
 */
export const MAX_JSON_BYTES = 64 * 1024 ** 2

/** Names the cap both ways: exact bytes for a script, a readable size for a person. */
function answerTooLarge(maxBytes: number): string {
  const readable = maxBytes < 1024 ** 2 ? `${Math.round(maxBytes / 1024)} KB` : `${Math.round(maxBytes / 1024 ** 2)} MB`
  return `an answer of over ${maxBytes} bytes (larger than the ${readable} accepted)`
}

/** JSON when it parses, else the text itself (an HTML error page says more than a parse error). */
function parseText(text: string): unknown {
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
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new ComfyUnreachableError(address, operation, limitMs === null ? 'in time' : `within ${limitMs} ms`, true)
  }
  return new ComfyUnreachableError(address, operation, describeError(error))
}

/** Node's own words for a failed connection name its cause ("connect ECONNREFUSED 10.0.0.7:8188"). */
function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
