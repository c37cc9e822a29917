import type { EventChannel, EventMap, RequestChannel, RequestParams, RequestResult } from '../../src-shared/contract'

/** One async function per request channel; the IPC layer and the HTTP bridge both call these. */
export type BridgeHandlers = { [K in RequestChannel]: (params: RequestParams<K>) => Promise<RequestResult<K>> }

/** A source of core events, as the IPC layer and the events WebSocket consume them. */
export interface BridgeEvents {
  subscribe(listener: <K extends EventChannel>(channel: K, payload: EventMap[K]) => void): () => void
}

/** Channels that fire many times a second; a slow consumer may miss some. */
export const HIGH_FREQUENCY_EVENTS: ReadonlySet<EventChannel> = new Set(['runs:progress', 'runs:preview'])
