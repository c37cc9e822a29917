import type { BridgeTransport } from '../../../src-shared/contract'
import { createConnectionState, type ConnectionState } from './connection-state'

declare global {
  interface Window {
    /** Exposed by the Electron preload (contextBridge); absent in a plain browser. */
    comfyfleet?: BridgeTransport
  }
}

/** The Electron transport plus an always-open connection flag (IPC does not drop). */
export interface ElectronBridge extends BridgeTransport {
  connection: ConnectionState
}

/**
 * Wraps the preload's `window.comfyfleet`. Its `imageUrl` answers `comfyfleet://images/<hash>` and
 * `comfyfleet://thumbs/<hash>`, served by the main process, so the renderer never needs file paths.
 */
export function createElectronBridge(api: BridgeTransport): ElectronBridge {
  return {
    connection: createConnectionState('open'),
    invoke: (channel, params) => api.invoke(channel, params),
    on: (channel, listener) => api.on(channel, listener),
    imageUrl: (hash, kind) => api.imageUrl(hash, kind),
  }
}
