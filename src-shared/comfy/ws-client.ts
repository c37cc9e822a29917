/**
 * One WebSocket to a ComfyUI server under a chosen client id. ComfyUI sends a prompt's execution
 * events only to the socket whose sid equals the prompt's client_id and buffers nothing (protocol
 * §7.1/§7.3), so the engine opens the socket before POSTing and reopens it with the SAME id to reattach.
 */
import { EventEmitter } from 'node:events'
import WebSocket from 'ws'
import { ComfyUnreachableError } from './errors'
import type { PreviewFrame, WsMessage } from './types'

export interface ComfyWsEvents {
  message: [WsMessage]
  preview: [PreviewFrame]
  close: [string]
}

export class ComfySocket extends EventEmitter<ComfyWsEvents> {
  private socket: WebSocket | null = null
  private closedByUs = false

  constructor(
    readonly address: string,
    readonly clientId: string
  ) {
    super()
  }

  /** Opens the socket; resolves after the server's first `status` frame (the server knows our sid then). */
  async open(timeoutMs = 5_000): Promise<void> {
    const url = `${this.address.replace(/^http/, 'ws')}/ws?clientId=${encodeURIComponent(this.clientId)}`
    const socket = new WebSocket(url, { handshakeTimeout: timeoutMs })
    this.socket = socket
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`no status frame within ${timeoutMs} ms`), true), timeoutMs)
      const fail = (error: Error, timedOut = /timed out/i.test(error.message)): void => {
        clearTimeout(timer)
        socket.removeAllListeners('message')
        socket.terminate()
        // A server slow to greet is busy, not gone (see liveness.ts).
        reject(new ComfyUnreachableError(this.address, 'WebSocket /ws', error.message, timedOut))
      }
      socket.once('error', fail)
      socket.once('open', () => {
        // Ask for type-4 previews, which carry prompt_id and node id (protocol §7.6).
        socket.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }))
      })
      socket.on('message', (raw, isBinary) => {
        if (isBinary) return this.onBinary(toBuffer(raw))
        const message = parseMessage(toBuffer(raw).toString('utf8'))
        if (message === null) return
        if (message.type === 'status' && message.data.sid !== undefined) {
          clearTimeout(timer)
          socket.off('error', fail)
          socket.on('error', () => undefined)
          socket.once('close', () => {
            if (!this.closedByUs) this.emit('close', 'WebSocket closed by the server')
          })
          resolve()
        }
        this.emit('message', message)
      })
    })
  }

  close(): void {
    this.closedByUs = true
    this.socket?.removeAllListeners('message')
    this.socket?.close()
    this.socket = null
  }

  private onBinary(frame: Buffer): void {
    const preview = decodePreview(frame)
    if (preview !== null) this.emit('preview', preview)
  }
}

function toBuffer(raw: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(raw)) return raw
  if (Array.isArray(raw)) return Buffer.concat(raw)
  return Buffer.from(raw)
}

function parseMessage(text: string): WsMessage | null {
  try {
    const value = JSON.parse(text) as { type?: unknown; data?: unknown }
    if (typeof value.type !== 'string' || typeof value.data !== 'object' || value.data === null) return null
    return value as WsMessage
  } catch {
    return null
  }
}

/** Binary frames: 4-byte BE event type; 1 = PREVIEW_IMAGE, 4 = PREVIEW_IMAGE_WITH_METADATA (protocol §7.6). */
export function decodePreview(frame: Buffer): PreviewFrame | null {
  if (frame.length < 8) return null
  const event = frame.readUInt32BE(0)
  if (event === 1) {
    const mime = frame.readUInt32BE(4) === 2 ? 'image/png' : 'image/jpeg'
    return { mime, bytes: frame.subarray(8), nodeId: null, promptId: null }
  }
  if (event === 4) {
    const length = frame.readUInt32BE(4)
    if (frame.length < 8 + length) return null
    let meta: { node_id?: string; prompt_id?: string; image_type?: string } = {}
    try {
      meta = JSON.parse(frame.subarray(8, 8 + length).toString('utf8')) as typeof meta
    } catch {
      return null
    }
    return {
      mime: meta.image_type ?? 'image/jpeg',
      bytes: frame.subarray(8 + length),
      nodeId: meta.node_id ?? null,
      promptId: meta.prompt_id ?? null,
    }
  }
  return null
}
