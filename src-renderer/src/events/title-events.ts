import { useStore } from '../store'
import { windowTitle } from '../lib/format'

/** Keeps `document.title` showing running/pending counts, without any component re-rendering. */
export function subscribeTitle(): () => void {
  const apply = (running: number, pending: number): void => {
    document.title = windowTitle(running, pending)
  }
  const s = useStore.getState()
  apply(s.runningCount, s.pendingCount)
  return useStore.subscribe((next, prev) => {
    if (next.runningCount !== prev.runningCount || next.pendingCount !== prev.pendingCount)
      apply(next.runningCount, next.pendingCount)
  })
}
