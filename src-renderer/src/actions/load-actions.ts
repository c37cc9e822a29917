import { api } from '../bridge/bridge-context'
import { messageOf } from '../lib/errors'
import { useStore } from '../store'

/** Fetches app info; a failure is shown in the status bar rather than thrown. */
export async function loadAppInfo(): Promise<void> {
  try {
    useStore.getState().setAppInfo(await api().app.info())
  } catch (e) {
    useStore.getState().setAppError(messageOf(e))
  }
}

/** Loads everything the screens need; called at start and after the event stream reconnects. */
export async function loadAll(): Promise<void> {
  const s = useStore.getState()
  const tasks: Promise<unknown>[] = [
    loadAppInfo(),
    api().servers.list().then(s.setServers),
    api().runs.list(5000).then(s.setRuns),
    api().batches.list().then(s.setBatches),
    api().settings.get().then(s.setSettings),
  ]
  const results = await Promise.allSettled(tasks)
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) console.warn('initial load incomplete:', messageOf(failed.reason))
}
