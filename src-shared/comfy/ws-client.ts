/**
 * One WebSocket to a ComfyUI server under a chosen client id. ComfyUI sends a prompt's execution
 * events only to the socket whose sid equals the prompt's client_id and buffers nothing (protocol
 * §7.1/§7.3), so the engine opens the socket before POSTing and reopens it with the SAME id to reattach.
 */
import { EventEmitter } from 'node:events'
import WebSocket from 'ws'
import { ComfyUnreachableError } from './errors'
import type { PreviewFrame, WsMessage } from './types'
import { decodePreview, parseMessage } from './ws-messages'

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
    // No permessage-deflate: ComfyUI's aiohttp accepts it when offered, and then deflates every frame (JSON
    // progress, JPEG previews that do not shrink) on the GPU host and we inflate it, for bytes a LAN never missed.
    const socket = new WebSocket(url, { handshakeTimeout: timeoutMs, perMessageDeflate: false })
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
        const message = this.receive(toBuffer(raw), isBinary)
        if (message?.type === 'status' && message.data.sid !== undefined) {
          clearTimeout(timer)
          socket.off('error', fail)
          socket.on('error', () => undefined)
          socket.once('close', () => {
            if (!this.closedByUs) this.emit('close', 'WebSocket closed by the server')
          })
          resolve()
        }
      })
    })
  }

  /** True while the socket is open and not closed by us (a spare handed back must still be usable). */
  get isOpen(): boolean {
    return !this.closedByUs && this.socket?.readyState === WebSocket.OPEN
  }

  close(): void {
    this.closedByUs = true
    this.socket?.removeAllListeners('message')
    this.socket?.close()
    this.socket = null
  }

  /**
   * Handles one frame as it came off the wire and returns the text message it carried, if any. Nothing a
   * server sends may escape from here: a malformed frame is dropped by the parser, and a listener that
   * throws on a frame costs that frame only (a throw in a ws event handler would be an uncaught exception
   * and take the whole worker, with every run on every server, down with it).
   */
  receive(frame: Buffer, isBinary: boolean): WsMessage | null {
    try {
      if (isBinary) {
        const preview = decodePreview(frame)
        if (preview !== null) this.emit('preview', preview)
        return null
      }
      const message = parseMessage(frame.toString('utf8'))
      if (message !== null) this.emit('message', message)
      return message
    } catch (error) {
      process.emitWarning(`a frame from ${this.address} was dropped: ${String(error)}`, 'ComfyFrameDropped')
      return null
    }
  }
}

function toBuffer(raw: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(raw)) return raw
  if (Array.isArray(raw)) return Buffer.concat(raw)
  return Buffer.from(raw)
}
