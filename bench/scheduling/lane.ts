/**
 * One GPU server as the baseline schedulers drive it: a WebSocket kept open and POST /prompt, like the
 * overhead bench's direct client, but a run rejects when the server goes away (the churn scenario kills
 * one), so the scheduler can place it again.
 */
import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'
import type { ApiPrompt } from '../../src-shared/contract/runs'

interface Pending {
  resolve: () => void
  reject: (e: Error) => void
}

export class Lane {
  private readonly clientId = randomUUID()
  private ws: WebSocket | null = null
  private readonly pending = new Map<string, Pending>()
  dead = false

  constructor(
    readonly index: number,
    readonly url: string
  ) {}

  async connect(): Promise<void> {
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/ws?clientId=${this.clientId}`)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return
      const m = JSON.parse(data.toString('utf8')) as { type: string; data: Record<string, unknown> }
      const p = this.pending.get(String(m.data.prompt_id))
      if (p && m.type === 'execution_error') p.reject(new Error(String(m.data.exception_message)))
      else if (p && m.type === 'executing' && m.data.node === null) p.resolve()
    })
    ws.on('close', () => this.fail(new Error(`${this.url} went away`)))
    ws.on('error', () => undefined)
    this.ws = ws
  }

  /** Posts the prompt (`front` puts it before the queued ones, as ComfyUI's /prompt allows); resolves when it ran. */
  async run(prompt: ApiPrompt, promptId: string = randomUUID(), front = false): Promise<void> {
    if (this.dead) throw new Error(`${this.url} is gone`)
    const done = new Promise<void>((resolve, reject) => this.pending.set(promptId, { resolve, reject }))
    try {
      const res = await fetch(`${this.url}/prompt`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt, client_id: this.clientId, prompt_id: promptId, ...(front ? { front } : {}) }),
      })
      if (!res.ok) throw new Error(`POST /prompt: ${res.status} ${await res.text()}`)
    } catch (e) {
      this.pending.delete(promptId)
      throw e
    }
    await done.finally(() => this.pending.delete(promptId))
  }

  private fail(e: Error): void {
    this.dead = true
    for (const p of this.pending.values()) p.reject(e)
    this.pending.clear()
  }

  close(): void {
    this.ws?.close()
  }
}
