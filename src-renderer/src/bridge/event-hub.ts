import type { EventChannel, EventMap } from '../../../src-shared/contract'

type AnyListener = (payload: unknown) => void

/** A tiny typed pub/sub used by transports that receive all events on one stream. */
export class EventHub {
  private readonly listeners = new Map<EventChannel, Set<AnyListener>>()

  /** Subscribes to one channel; returns the unsubscribe function. */
  on<K extends EventChannel>(channel: K, listener: (payload: EventMap[K]) => void): () => void {
    let set = this.listeners.get(channel)
    if (!set) {
      set = new Set()
      this.listeners.set(channel, set)
    }
    const l = listener as AnyListener
    set.add(l)
    return () => set.delete(l)
  }

  /** Delivers a payload; one throwing listener must not starve the others. */
  emit(channel: EventChannel, payload: unknown): void {
    for (const l of this.listeners.get(channel) ?? []) {
      try {
        l(payload)
      } catch (e) {
        console.error(`listener for ${channel} failed`, e)
      }
    }
  }
}
