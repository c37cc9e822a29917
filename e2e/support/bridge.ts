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

/** Register a server through the bridge and wait until the app sees it online. */
export async function addServerOnline(request: APIRequestContext, name: string, address: string): Promise<void> {
  const added = await callBridge<{ ok: boolean }>(request, 'servers:add', { name, address })
  expect(added.ok, `servers:add ${name}`).toBe(true)
  await expect
    .poll(
      async () =>
        (await callBridge<{ name: string; health: { state: string } }[]>(request, 'servers:list', null)).find(
          (s) => s.name === name
        )?.health.state,
      { timeout: 30_000 }
    )
    .toBe('online')
}
