import { useStore } from '../store'

/** Elapsed/ETA labels need a second-resolution clock; one timer for the whole app. */
const CLOCK_MS = 1_000

/** Ticks `now` in the store once a second. */
export function subscribeClock(): () => void {
  const id = setInterval(() => useStore.getState().tick(Date.now()), CLOCK_MS)
  return () => clearInterval(id)
}
