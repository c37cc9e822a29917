import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'

export type EventFrame = { channel: string; payload: unknown }

/**
 * One WebSocket endpoint that fans core events out to every connected UI or script. A slow client
 * is skipped for high-frequency frames rather than buffering without bound.
 */
export class EventsSocket {
  private readonly wss = new WebSocketServer({ noServer: true })
  private readonly clients = new Set<WebSocket>()
  /** Beyond this many buffered bytes, progress/preview frames are dropped for that client. */
  static readonly MAX_BUFFERED = 4 * 1024 * 1024

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.clients.add(ws)
      ws.on('close', () => this.clients.delete(ws))
      ws.on('error', () => this.clients.delete(ws))
    })
  }

  broadcast(frame: EventFrame, droppable: boolean): void {
    if (this.clients.size === 0) return
    const text = JSON.stringify(frame)
    for (const ws of this.clients) {
      if (ws.readyState !== ws.OPEN) continue
      if (droppable && ws.bufferedAmount > EventsSocket.MAX_BUFFERED) continue
      ws.send(text)
    }
  }

  get size(): number {
    return this.clients.size
  }

  close(): void {
    for (const ws of this.clients) ws.terminate()
    this.clients.clear()
    this.wss.close()
  }
}
