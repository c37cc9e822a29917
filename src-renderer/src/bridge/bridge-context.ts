import type { Api } from './api'
import type { Bridge } from './pick-bridge'

/**
 * The single bridge + API of this window. Set once at start-up (before React renders) so event
 * modules, store actions and components share it without prop drilling.
 */
let current: { bridge: Bridge; api: Api } | null = null

/** Installs the bridge; called once by the entry point. */
export function setBridge(bridge: Bridge, api: Api): void {
  current = { bridge, api }
}

/** The typed API; throws if called before start-up wired the bridge (a bug, not a user error). */
export function api(): Api {
  if (!current) throw new Error('bridge not initialised')
  return current.api
}

/** The raw transport (for event subscriptions and the connection flag). */
export function bridge(): Bridge {
  if (!current) throw new Error('bridge not initialised')
  return current.bridge
}
