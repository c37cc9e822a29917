/**
 * One WebSocket per server opened ahead of need, so a submit does not wait for the handshake and the
 * first `status` frame (a few ms of every run). The spare's client id is random; the placement record
 * carries it, so a later attempt reopens the socket under the same id and gets the prompt's events.
 */
import { randomUUID } from 'node:crypto'
import { ComfySocket } from '../../src-shared/comfy/ws-client'

export class SpareSockets {
  private readonly spares = new Map<string, ComfySocket>()
  private readonly opening = new Set<string>()
  private stopped = false

  /** An open socket to `address` (then a new spare is opened behind it), or null: open your own. */
  take(address: string): ComfySocket | null {
    const socket = this.spares.get(address) ?? null
    this.spares.delete(address)
    if (socket !== null) socket.removeAllListeners('close')
    // The next spare is for the next run: opening it (~1 ms of connection set-up) waits until this run's
    // POST is on its way.
    setImmediate(() => this.refill(address))
    return socket
  }

  /** Closes the spares of servers no longer in `addresses`. */
  keepOnly(addresses: string[]): void {
    for (const [address, socket] of this.spares) {
      if (addresses.includes(address)) continue
      socket.close()
      this.spares.delete(address)
    }
  }

  stop(): void {
    this.stopped = true
    for (const socket of this.spares.values()) socket.close()
    this.spares.clear()
  }

  private refill(address: string): void {
    if (this.stopped || this.opening.has(address) || this.spares.has(address)) return
    this.opening.add(address)
    const socket = new ComfySocket(address, `comfyfleet-${randomUUID()}`)
    socket
      .open()
      .then(() => {
        if (this.stopped) return socket.close()
        // A spare the server closes is simply dropped; the next take opens another.
        socket.once('close', () => {
          if (this.spares.get(address) === socket) this.spares.delete(address)
        })
        this.spares.set(address, socket)
      })
      .catch(() => undefined)
      .finally(() => this.opening.delete(address))
  }
}
