/** Whether the live event stream to the core is up. */
export type ConnectionStatus = 'connecting' | 'open' | 'closed'

/** An observable connection flag that the store mirrors. */
export interface ConnectionState {
  get(): ConnectionStatus
  subscribe(listener: (status: ConnectionStatus) => void): () => void
  set(status: ConnectionStatus): void
}

/** Creates a connection flag starting at `connecting`. */
export function createConnectionState(initial: ConnectionStatus = 'connecting'): ConnectionState {
  let status = initial
  const listeners = new Set<(s: ConnectionStatus) => void>()
  return {
    get: () => status,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    set(next) {
      if (next === status) return
      status = next
      for (const l of listeners) l(next)
    },
  }
}
