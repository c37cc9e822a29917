import type { Result, SubmitRequest } from '../../../src-shared/contract'
import { api } from '../bridge/bridge-context'
import { messageOf } from '../lib/errors'
import { useStore } from '../store'

/** `1 run`, `3 runs`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

const toastError = (title: string, message: string): void => {
  useStore.getState().pushToast({ kind: 'error', title, message })
}

/**
 * Submits runs and hands an error back instead of toasting it, for a form that shows it beside the
 * field it names (the run sheet's inputs).
 */
export async function trySubmit(req: SubmitRequest, label: string, quiet = false): Promise<Result<number>> {
  try {
    const res = await api().runs.submit(req)
    if (!res.ok) return res
    const { runIds, batchIds } = res.value
    // A batch answers with its id only (its runs start inside the engine): say "batch", not "0 runs".
    const what =
      batchIds.length === 0
        ? plural(runIds.length, 'run')
        : batchIds.length === 1
          ? 'a batch'
          : `${batchIds.length} batches`
    if (!quiet) useStore.getState().pushToast({ kind: 'success', message: `Queued ${what} from ${label}` })
    const n = runIds.length + batchIds.length
    const list = await api().runs.list(500)
    useStore.getState().setRuns(list)
    return { ok: true, value: n }
  } catch (e) {
    return { ok: false, error: { code: 'bridge/failed', message: messageOf(e) } }
  }
}

/** Loads (or reloads) one run's details and seeds its node states. */
export async function loadRunDetail(id: string): Promise<void> {
  const s = useStore.getState()
  try {
    const res = await api().runs.get(id)
    if (!res.ok) return s.setDetailError(id, res.error.message)
    s.setDetail(res.value)
    s.seedNodes(id, res.value.nodes)
  } catch (e) {
    s.setDetailError(id, messageOf(e))
  }
}

/** Cancels a run. */
export async function cancelRun(id: string): Promise<void> {
  await reportResult('Cancel failed', () => api().runs.cancel(id))
}

/** Cancels every remaining run of a batch. */
export async function cancelBatch(id: string): Promise<void> {
  await reportResult('Cancel failed', () => api().batches.cancel(id))
}

/** Starts the same workflow again (fresh run ids); returns the first new run id. */
export async function rerun(id: string): Promise<string | null> {
  try {
    const res = await api().runs.rerun(id)
    if (!res.ok) {
      toastError('Re-run failed', res.error.message)
      return null
    }
    useStore.getState().pushToast({ kind: 'success', message: 'Re-run queued' })
    return res.value.runIds[0] ?? null
  } catch (e) {
    toastError('Re-run failed', messageOf(e))
    return null
  }
}

/** Runs a Result-returning call and toasts its error. */
export async function reportResult(
  title: string,
  call: () => Promise<{ ok: true } | { ok: false; error: { message: string } }>
): Promise<boolean> {
  try {
    const res = await call()
    if (!res.ok) toastError(title, res.error.message)
    return res.ok
  } catch (e) {
    toastError(title, messageOf(e))
    return false
  }
}
