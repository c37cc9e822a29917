import type { ServerInput, ServerPatch, ServerTestResult, ServerView } from '../../../src-shared/contract'
import { api } from '../bridge/bridge-context'
import { messageOf } from '../lib/errors'
import { useStore } from '../store'
import { plural, reportResult } from './run-actions'

/** Result of a form action: the saved value, or the message to show next to the form. */
export type FormOutcome<T> = { ok: true; value: T } | { ok: false; message: string }

async function outcome<T>(
  call: () => Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>
): Promise<FormOutcome<T>> {
  try {
    const res = await call()
    return res.ok ? { ok: true, value: res.value } : { ok: false, message: res.error.message }
  } catch (e) {
    return { ok: false, message: messageOf(e) }
  }
}

/** Registers a server; the new view goes into the store right away (servers:changed follows). */
export async function addServer(input: ServerInput): Promise<FormOutcome<ServerView>> {
  const res = await outcome(() => api().servers.add(input))
  if (res.ok) useStore.getState().upsertServer(res.value)
  return res
}

/** Edits a server's config. */
export async function editServer(id: string, patch: ServerPatch): Promise<FormOutcome<ServerView>> {
  const res = await outcome(() => api().servers.update(id, patch))
  if (res.ok) useStore.getState().upsertServer(res.value)
  return res
}

/** Probes an address without registering it. */
export function testServer(address: string): Promise<FormOutcome<ServerTestResult>> {
  return outcome(() => api().servers.test(address))
}

/** Toggles enabled/draining from a card; errors become toasts. */
export async function patchServer(id: string, patch: ServerPatch): Promise<void> {
  await reportResult('Server update failed', async () => {
    const res = await api().servers.update(id, patch)
    if (res.ok) useStore.getState().upsertServer(res.value)
    return res
  })
}

/** Unregisters a server; the engine first moves the runs on it to other servers. */
export async function removeServer(id: string): Promise<void> {
  let moved = 0
  const ok = await reportResult('Remove failed', async () => {
    const res = await api().servers.remove(id)
    if (res.ok) moved = res.value.moved.length
    return res
  })
  if (!ok) return
  useStore.getState().dropServer(id)
  if (moved > 0)
    useStore.getState().pushToast({ kind: 'info', message: `Moved ${plural(moved, 'run')} to other servers` })
}
