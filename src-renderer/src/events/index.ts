import type { Bridge } from '../bridge/pick-bridge'
import { subscribeAppEvents } from './app-events'
import { subscribeBatchEvents } from './batches-events'
import { subscribeClock } from './clock-events'
import { subscribeRouteEvents } from './route-events'
import { subscribeRunEvents } from './runs-events'
import { subscribeServerEvents } from './servers-events'
import { subscribeShortcuts } from './shortcut-events'
import { subscribeTitle } from './title-events'

/** Wires every bridge event and browser event into the store; returns one unsubscribe for all. */
export function subscribeAll(bridge: Bridge): () => void {
  const offs = [
    subscribeAppEvents(bridge),
    subscribeServerEvents(bridge),
    subscribeRunEvents(bridge),
    subscribeBatchEvents(bridge),
    subscribeRouteEvents(),
    subscribeClock(),
    subscribeShortcuts(),
    subscribeTitle(),
  ]
  return () => offs.forEach((off) => off())
}
