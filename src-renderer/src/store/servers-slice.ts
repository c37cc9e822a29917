import type { StateCreator } from 'zustand'
import type { ServerView } from '../../../src-shared/contract'
import { sameJson, stableArray } from '../lib/stable'
import type { AppState } from './index'

/** The server farm as the core last reported it. */
export interface ServersSlice {
  serverIds: string[]
  serversById: Record<string, ServerView>
  serversLoaded: boolean
  setServers: (list: ServerView[]) => void
  upsertServer: (server: ServerView) => void
  dropServer: (id: string) => void
}

/**
 * A request's answer can arrive after a `servers:changed` event that is newer (the WebSocket and
 * the HTTP answer race): keep the live fields we already have, take config only if it is newer.
 */
export function mergeServer(prev: ServerView | undefined, next: ServerView): ServerView {
  if (!prev) return next
  if (prev.updatedAt > next.updatedAt) return prev
  return {
    ...next,
    health: prev.health,
    slotsInUse: prev.slotsInUse,
    currentRunIds: prev.currentRunIds,
    speed: prev.speed ?? next.speed,
  }
}

/** Creates the servers slice; unchanged servers keep their object identity so their cards do not re-render. */
export const createServersSlice: StateCreator<AppState, [], [], ServersSlice> = (set) => ({
  serverIds: [],
  serversById: {},
  serversLoaded: false,
  setServers: (list) =>
    set((s) => {
      const byId: Record<string, ServerView> = {}
      for (const server of list) {
        const prev = s.serversById[server.id]
        byId[server.id] = prev && sameJson(prev, server) ? prev : server
      }
      return {
        serversById: byId,
        serverIds: stableArray(
          s.serverIds,
          list.map((x) => x.id)
        ),
        serversLoaded: true,
      }
    }),
  upsertServer: (server) =>
    set((s) => ({
      serversById: { ...s.serversById, [server.id]: mergeServer(s.serversById[server.id], server) },
      serverIds: s.serverIds.includes(server.id) ? s.serverIds : [...s.serverIds, server.id],
    })),
  dropServer: (id) =>
    set((s) => {
      const { [id]: _gone, ...rest } = s.serversById
      return { serversById: rest, serverIds: s.serverIds.filter((x) => x !== id) }
    }),
})
