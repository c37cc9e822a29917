import { expect, type APIRequestContext } from '@playwright/test'
import { appUrl } from '../pages/app-page'

/**
 * Calls a bridge channel the way the renderer does (`POST /api/bridge/<channel>`), sharing the
 * page's session cookie through its request context. Used for setup and for "nothing was queued".
 */
export async function callBridge<T>(request: APIRequestContext, channel: string, params: unknown): Promise<T> {
  const res = await request.post(`${appUrl()}/api/bridge/${channel}`, { data: params ?? null })
  expect(res.ok(), `${channel} answered HTTP ${res.status()}`).toBe(true)
  return (await res.json()) as T
}

/** How many runs the core knows of. */
export async function runCount(request: APIRequestContext): Promise<number> {
  return (await callBridge<unknown[]>(request, 'runs:list', { limit: 10_000 })).length
}

/** Removes every server with this name (test cleanup that must also run after a failure). */
export async function removeServersNamed(request: APIRequestContext, name: string): Promise<void> {
  const list = await callBridge<{ id: string; name: string }[]>(request, 'servers:list', null)
  for (const s of list.filter((x) => x.name === name)) await callBridge(request, 'servers:remove', { id: s.id })
}
