import { loadAll } from '../actions/load-actions'
import type { Bridge } from '../bridge/pick-bridge'
import { useStore } from '../store'

/** Mirrors `app:info` pushes and the event-stream flag; reloads everything after a reconnect (events were missed). */
export function subscribeAppEvents(bridge: Bridge): () => void {
  const offInfo = bridge.on('app:info', (info) => useStore.getState().setAppInfo(info))
  useStore.getState().setConnection(bridge.connection.get())
  // Only a RE-connect missed events; the first open follows the start-up load.
  let lostSinceOpen = false
  let opened = bridge.connection.get() === 'open'
  const offConn = bridge.connection.subscribe((status) => {
    useStore.getState().setConnection(status)
    if (status === 'open' && lostSinceOpen) void loadAll()
    if (status === 'open') opened = true
    lostSinceOpen = opened && status !== 'open'
  })
  return () => {
    offInfo()
    offConn()
  }
}
