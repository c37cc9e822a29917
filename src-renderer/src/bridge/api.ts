import type {
  BridgeTransport,
  DeepPartial,
  HistoryQuery,
  InspectRequest,
  ServerInput,
  ServerPatch,
  Settings,
  SubmitRequest,
} from '../../../src-shared/contract'

/** The named, typed API the UI calls; every method is one request channel. */
export function createApi(t: BridgeTransport) {
  return {
    app: {
      info: () => t.invoke('app:info', undefined),
      openExternal: (url: string) => t.invoke('app:open-external', { url }),
    },
    servers: {
      list: () => t.invoke('servers:list', undefined),
      add: (input: ServerInput) => t.invoke('servers:add', input),
      update: (id: string, patch: ServerPatch) => t.invoke('servers:update', { id, patch }),
      remove: (id: string) => t.invoke('servers:remove', { id }),
      test: (address: string) => t.invoke('servers:test', { address }),
      farm: () => t.invoke('farm:servers', undefined),
    },
    runs: {
      submit: (req: SubmitRequest) => t.invoke('runs:submit', req),
      inspect: (req: InspectRequest) => t.invoke('runs:inspect', req),
      list: (limit?: number) => t.invoke('runs:list', limit === undefined ? {} : { limit }),
      get: (id: string) => t.invoke('runs:get', { id }),
      cancel: (id: string) => t.invoke('runs:cancel', { id }),
      rerun: (id: string) => t.invoke('runs:rerun', { id }),
    },
    batches: {
      list: () => t.invoke('batches:list', undefined),
      cancel: (id: string) => t.invoke('batches:cancel', { id }),
    },
    history: {
      search: (q: HistoryQuery) => t.invoke('history:search', q),
      remove: (runId: string) => t.invoke('history:delete', { runId }),
    },
    settings: {
      get: () => t.invoke('settings:get', undefined),
      update: (patch: DeepPartial<Settings>) => t.invoke('settings:update', patch),
    },
    imageUrl: (hash: string, kind: 'full' | 'thumb') => t.imageUrl(hash, kind),
  }
}

/** The app's API type. */
export type Api = ReturnType<typeof createApi>
