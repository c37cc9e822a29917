import type { EventChannel, EventMap } from '../../src-shared/contract'
import type { BridgeEvents } from './bridge-handlers'

type Listener = <K extends EventChannel>(channel: K, payload: EventMap[K]) => void

/** The core's typed event bus: services emit, the IPC layer and the events WebSocket subscribe. */
export class EventHub implements BridgeEvents {
  private readonly listeners = new Set<Listener>()

  emit<K extends EventChannel>(channel: K, payload: EventMap[K]): void {
    for (const l of this.listeners) {
      try {
        l(channel, payload)
      } catch (e) {
        // One broken consumer (a closed window) must not stop the others.
        console.error(`[events] listener failed on ${channel}:`, e)
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
