/**
 * HTTP client for one ComfyUI server. Every call has a timeout, and failures are split into
 * "did not answer" (ComfyUnreachableError) and "answered with an error" (ComfyHttpError), because the
 * engine fails over on the first and reports the second.
 */
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

  constructor(address: string, options: ComfyHttpOptions = {}) {
    this.address = address.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? 5_000
    this.longTimeoutMs = options.longTimeoutMs ?? 30_000
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000
    this.maxDownloadBytes = options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES
    this.maxJsonBytes = options.maxJsonBytes ?? MAX_JSON_BYTES
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

  async systemStats(): Promise<SystemStats> {
    return (await this.getJson('GET /system_stats', '/system_stats')) as SystemStats
  }

  async objectInfo(): Promise<ObjectInfo> {
    return (await this.getJson('GET /object_info', '/object_info', this.longTimeoutMs)) as ObjectInfo
  }

  /**
   * GET /view of an output file, streamed: the caller stores the chunks as they come, so memory stays
   * bounded whatever the size. It fails when the server goes silent for `idleTimeoutMs` (as unreachable,
   * so the caller's patience applies) or sends more than `maxDownloadBytes` (refused).
   */
  async view(image: ImageRef): Promise<Download> {
    const query = new URLSearchParams({ filename: image.filename, subfolder: image.subfolder, type: image.type })
    const idle = new IdleAbort(this.idleTimeoutMs)
    const res = await this.request('GET /view', `/view?${query.toString()}`, { signal: idle.signal })
    if (!res.ok) {
      idle.stop()
      throw new ComfyHttpError(this.address, 'GET /view', res.status, await this.readBody(res, 'GET /view'))
    }
    const declared = Number(res.headers.get('content-length') ?? NaN)
    if (declared > this.maxDownloadBytes) {
      idle.stop()
      await res.body?.cancel()
      throw this.tooLarge(declared)
    }
    return {
      contentType: res.headers.get('content-type') ?? 'application/octet-stream',
      chunks: this.chunksOf(res, idle),
    }
  }

  private async *chunksOf(res: Response, idle: IdleAbort): AsyncGenerator<Uint8Array> {
    if (res.body === null) return idle.stop()
    const reader = res.body.getReader()
    let total = 0
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return
        idle.reset()
        total += value.byteLength
        if (total > this.maxDownloadBytes) throw this.tooLarge(total)
        yield value
      }
    } catch (error) {
      if (error instanceof ComfyRefusedAnswer) throw error
      throw new ComfyUnreachableError(this.address, 'GET /view', describeFetchError(idle.reason ?? error))
    } finally {
      idle.stop()
      reader.releaseLock()
      await res.body.cancel().catch(() => undefined)
    }
  }

  private tooLarge(bytes: number): ComfyRefusedAnswer {
    const size = (n: number): string => (n < 1024 ** 2 ? `${Math.ceil(n / 1024)} KB` : `${Math.ceil(n / 1024 ** 2)} MB`)
    const reason = `a file of at least ${size(bytes)}, more than the ${size(this.maxDownloadBytes)} accepted`
    return new ComfyRefusedAnswer(this.address, 'GET /view', reason)
  }

  /** A JSON answer (or its text), read up to the cap: a server cannot make the worker hold more. */
  private async readBody(res: Response, operation: string): Promise<unknown> {
    const chunks: Uint8Array[] = []
    let total = 0
    // Leaving the loop early cancels the stream (the iterator's return()), so nothing more is read.
    for await (const chunk of res.body ?? []) {
      total += chunk.byteLength
      if (total > this.maxJsonBytes) break
      chunks.push(chunk)
    }
    if (total > this.maxJsonBytes)
      throw new ComfyRefusedAnswer(this.address, operation, `an answer of over ${this.maxJsonBytes} bytes`)
    const text = Buffer.concat(chunks).toString('utf8')
    if (text === '') return null
    try {
      return JSON.parse(text) as unknown
    } catch {
      return text
    }
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

  private async request(operation: string, path: string, init: RequestInit, timeoutMs?: number): Promise<Response> {
    let res: Response
    try {
      res = await fetch(`${this.address}${path}`, {
        ...init,
        headers: init.body === undefined ? undefined : { 'content-type': 'application/json' },
        signal: init.signal ?? AbortSignal.timeout(timeoutMs ?? this.timeoutMs),
        // A server may not send the worker to another host (blind SSRF; its answer would be stored).
        redirect: 'manual',
      })
    } catch (error) {
      throw new ComfyUnreachableError(this.address, operation, describeFetchError(error))
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel()
      const to = res.headers.get('location') ?? '(no location)'
      throw new ComfyRefusedAnswer(this.address, operation, `a redirect to ${to.slice(0, 200)}, which is not followed`)
    }
    return res
  }
}

/** An abort signal that fires after `ms` without a reset: a timeout on silence, not on the whole transfer. */
class IdleAbort {
  private readonly controller = new AbortController()
  private timer: NodeJS.Timeout
  reason: Error | null = null

  constructor(private readonly ms: number) {
    this.timer = this.arm()
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  reset(): void {
    clearTimeout(this.timer)
    this.timer = this.arm()
  }

  stop(): void {
    clearTimeout(this.timer)
  }

  private arm(): NodeJS.Timeout {
    return setTimeout(() => {
      this.reason = new Error(`no data for ${Math.round(this.ms / 1000)} s`)
      this.controller.abort(this.reason)
    }, this.ms)
  }
}

/**
 * JSON answers (queue, history, errors) are read up to this size: a prompt's history entry with thousands of
 * outputs is well under 10 MB, and a server that sends more cannot make the worker hold it.
 */
export const MAX_JSON_BYTES = 64 * 1024 ** 2

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = (error as Error & { cause?: unknown }).cause
  if (cause instanceof Error) return `${error.message} (${(cause as Error & { code?: string }).code ?? cause.message})`
  return error.message
}
