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

/** Sets a server's draining flag through the bridge (setup that keeps a run off it, not the behaviour under test). */
export async function setDraining(request: APIRequestContext, name: string, draining: boolean): Promise<void> {
  const list = await callBridge<{ id: string; name: string }[]>(request, 'servers:list', null)
  const id = list.find((s) => s.name === name)?.id
  expect(id, `server ${name}`).toBeTruthy()
  await callBridge(request, 'servers:update', { id, patch: { draining } })
}
