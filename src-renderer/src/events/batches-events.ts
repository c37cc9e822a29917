import type { BridgeTransport } from '../../../src-shared/contract'
import { useStore } from '../store'

/** Applies `batches:changed` to the store. */
export function subscribeBatchEvents(bridge: BridgeTransport): () => void {
  return bridge.on('batches:changed', (batch) => useStore.getState().upsertBatch(batch))
}
