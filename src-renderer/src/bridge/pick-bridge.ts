import type { BridgeTransport } from '../../../src-shared/contract'
import type { ConnectionState } from './connection-state'
import { createElectronBridge } from './electron-bridge'
import { createHttpBridge } from './http-bridge'

/** What the app runs on: a transport plus the live-connection flag. */
export type Bridge = BridgeTransport & { connection: ConnectionState }

/** Electron when the preload exposed its API, otherwise the headless HTTP/WS server we were served from. */
export function pickBridge(): Bridge {
  return window.comfyfleet ? createElectronBridge(window.comfyfleet) : createHttpBridge()
}
