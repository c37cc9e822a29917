/**
 * The baseline of the overhead bench: the smallest correct ComfyUI client, as a script would write it.
 * One WebSocket with a client_id kept open; per run: POST /prompt, collect `executed` image outputs,
 * finish on `executing {node: null}` for that prompt, then GET /view for each image.
 */
import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'
import type { ApiPrompt } from '../../src-shared/contract/runs'

interface Pending {
  images: Array<{ filename: string; subfolder: string; type: string }>
  resolve: () => void
  reject: (e: Error) => void
}

export class DirectComfyClient {
  private readonly clientId = randomUUID()
  private ws: WebSocket | null = null
  private readonly pending = new Map<string, Pending>()

  constructor(private readonly url: string) {}

  async connect(): Promise<void> {
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/ws?clientId=${this.clientId}`)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary)
        this.onMessage(JSON.parse(data.toString('utf8')) as { type: string; data: Record<string, unknown> })
    })
    this.ws = ws
  }

  private onMessage(m: { type: string; data: Record<string, unknown> }): void {
    const p = this.pending.get(String(m.data.prompt_id))
    if (!p) return
    if (m.type === 'executed') {
      const out = m.data.output as { images?: Pending['images'] } | null
      if (out?.images) p.images.push(...out.images)
    } else if (m.type === 'execution_error') {
      p.reject(new Error(`execution_error: ${String(m.data.exception_message)}`))
    } else if (m.type === 'executing' && m.data.node === null) {
      p.resolve()
    }
  }

  /** One run end to end; resolves with the bytes of every output image. */
  async run(prompt: ApiPrompt): Promise<Buffer[]> {
    // Our own prompt_id, registered before the POST: with 0 ms of work the events can beat the answer.
    const promptId = randomUUID()
    const images: Pending['images'] = []
    const done = new Promise<void>((resolve, reject) => this.pending.set(promptId, { images, resolve, reject }))
    const res = await fetch(`${this.url}/prompt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt, client_id: this.clientId, prompt_id: promptId }),
    })
    if (!res.ok) {
      this.pending.delete(promptId)
      throw new Error(`POST /prompt: ${res.status} ${await res.text()}`)
    }
    await done.finally(() => this.pending.delete(promptId))
    const out: Buffer[] = []
    for (const img of images) {
      const q = new URLSearchParams({ filename: img.filename, subfolder: img.subfolder, type: img.type })
      const view = await fetch(`${this.url}/view?${q.toString()}`)
      if (!view.ok) throw new Error(`GET /view: ${view.status}`)
      out.push(Buffer.from(await view.arrayBuffer()))
    }
    return out
  }

  close(): void {
    this.ws?.close()
  }
}
