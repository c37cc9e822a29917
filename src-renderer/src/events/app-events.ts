import { loadAll } from '../actions/load-actions'
import type { Bridge } from '../bridge/pick-bridge'
import { useStore } from '../store'

/** Mirrors `app:info` pushes and the event-stream flag; reloads everything after a reconnect (events were missed). */
export function subscribeAppEvents(bridge: Bridge): () => void {
  const offInfo = bridge.on('app:info', (info) => useStore.getState().setAppInfo(info))
  useStore.getState().setConnection(bridge.connection.get())
  let wasOpen = bridge.connection.get() === 'open'
  const offConn = bridge.connection.subscribe((status) => {
    useStore.getState().setConnection(status)
    if (status === 'open' && !wasOpen) void loadAll()
    wasOpen = status === 'open'
  })
  return () => {
    offInfo()
    offConn()
  }
}
