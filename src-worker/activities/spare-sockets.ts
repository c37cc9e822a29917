/**
 * WebSockets per server opened ahead of need, so a submit does not wait for the handshake and the first
 * `status` frame (a few ms of every run). A spare's client id is random; the placement record carries it,
 * so a later attempt reopens the socket under the same id and gets the prompt's events.
 *
 * A run that ended well hands its socket back for the next run on that server: a socket per run cost the
 * worker and the ComfyUI host a connection set-up each (≈1 ms of worker CPU a short run; issue #17 item 6).
 * Reuse is safe because a prompt's events name its prompt_id and the prompt that used the id before has
 * ended; only the reconnect greeting carries no prompt_id, and it names the prompt running under that id.
 */
import { randomUUID } from 'node:crypto'
import { ComfySocket } from '../../src-shared/comfy/ws-client'

/** Spares kept per server: a run and a pre-queued one end about together, and each hands one back. */
const MAX_SPARES = 2

export class SpareSockets {
  private readonly spares = new Map<string, ComfySocket[]>()
  private readonly opening = new Set<string>()
  private stopped = false

  /** An open socket to `address` (the last one taken opens a new spare behind it), or null: open your own. */
  take(address: string): ComfySocket | null {
    const list = this.spares.get(address) ?? []
    const socket = list.shift() ?? null
    if (socket !== null) socket.removeAllListeners('close')
    if (list.length === 0) {
      this.spares.delete(address)
      // The next spare is for the next run: opening it (~1 ms of connection set-up) waits until this run's
      // POST is on its way.
      setImmediate(() => this.refill(address))
    }
    return socket
  }

  /** A socket whose prompt ended: kept as a spare of `address` while there is room, else closed. */
  giveBack(address: string, socket: ComfySocket): void {
    socket.removeAllListeners()
    if (this.stopped || !socket.isOpen || (this.spares.get(address)?.length ?? 0) >= MAX_SPARES) return socket.close()
    this.keep(address, socket)
  }

  /** Closes the spares of servers no longer in `addresses`. */
  keepOnly(addresses: string[]): void {
    for (const [address, list] of this.spares) {
      if (addresses.includes(address)) continue
      for (const socket of list) socket.close()
      this.spares.delete(address)
    }
  }

  stop(): void {
    this.stopped = true
    for (const list of this.spares.values()) for (const socket of list) socket.close()
    this.spares.clear()
  }

  /** How many spares `address` has now. */
  count(address: string): number {
    return this.spares.get(address)?.length ?? 0
  }

  private keep(address: string, socket: ComfySocket): void {
    // A spare the server closes is simply dropped; the next take opens another.
    socket.once('close', () => {
      const list = (this.spares.get(address) ?? []).filter((s) => s !== socket)
      if (list.length > 0) this.spares.set(address, list)
      else this.spares.delete(address)
    })
    this.spares.set(address, [...(this.spares.get(address) ?? []), socket])
  }

  private refill(address: string): void {
    if (this.stopped || this.opening.has(address) || this.spares.has(address)) return
    this.opening.add(address)
    const socket = new ComfySocket(address, `comfyfleet-${randomUUID()}`)
    socket
      .open()
      .then(() => {
        if (this.stopped) return socket.close()
        this.keep(address, socket)
      })
      .catch(() => undefined)
      .finally(() => this.opening.delete(address))
  }
}
