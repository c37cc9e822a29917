import type { BridgeTransport } from '../../../src-shared/contract'
import { useStore } from '../store'

/** Applies `servers:changed` (the full list) to the store. */
export function subscribeServerEvents(bridge: BridgeTransport): () => void {
  return bridge.on('servers:changed', (list) => useStore.getState().setServers(list))
}
