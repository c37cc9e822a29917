/**
 * The one contract between the renderer and the core (Electron preload or the headless HTTP/WS
 * bridge). Request channels are invoked with a single params object and answer with a value;
 * event channels are pushed by the core. Channel names are `domain:verb`.
 */
import type { AppInfo, Settings, SettingsPatch } from './app'
import type { Result } from './result'
import type { NodeStatus } from './runs'
import type { HistoryQuery, ServerInput, ServerPatch, SubmitRequest } from './requests'
import type * as Answers from './responses'
import type { FarmServer } from './farm'
import type { ServerView } from './servers'
import type { InspectRequest, InspectResult } from './run-sheet'

export type { ExecuteBody, HistoryQuery, IntakeFile, ServerInput, ServerPatch, SubmitRequest } from './requests'
// The answers' shapes are schemas in responses.ts (the REST API and the SDK parse with the same ones).
export type {
  BatchSummary,
  HistoryItem,
  HistoryPage,
  RunDetail,
  RunSummary,
  ServerRemoval,
  ServerTestResult,
  SubmitResult,
} from './responses'

/** Request channels: `params` is the single argument, `result` what the promise resolves to. */
export interface RequestMap {
  'app:info': { params: void; result: AppInfo }
  'app:open-external': { params: { url: string }; result: Result<null> }
  'servers:list': { params: void; result: ServerView[] }
  'servers:add': { params: ServerInput; result: Result<ServerView> }
  'servers:update': { params: { id: string; patch: ServerPatch }; result: Result<ServerView> }
  'servers:remove': { params: { id: string }; result: Result<Answers.ServerRemoval> }
  'servers:test': { params: { address: string }; result: Result<Answers.ServerTestResult> }
  /** Servers of the farm's workers (remote Temporal), as their owners report them; read-only. */
  'farm:servers': { params: void; result: FarmServer[] }
  'runs:submit': { params: SubmitRequest; result: Result<Answers.SubmitResult> }
  'runs:inspect': { params: InspectRequest; result: Result<InspectResult> }
  'runs:list': { params: { limit?: number }; result: Answers.RunSummary[] }
  'runs:get': { params: { id: string }; result: Result<Answers.RunDetail> }
  'runs:cancel': { params: { id: string }; result: Result<null> }
  'runs:rerun': { params: { id: string }; result: Result<Answers.SubmitResult> }
  'batches:list': { params: void; result: Answers.BatchSummary[] }
  'batches:cancel': { params: { id: string }; result: Result<null> }
  'history:search': { params: HistoryQuery; result: Answers.HistoryPage }
  'history:delete': { params: { runId: string }; result: Result<null> }
  'settings:get': { params: void; result: Settings }
  'settings:update': { params: SettingsPatch; result: Result<Settings> }
}

export interface RunProgressEvent {
  runId: string
  /** The engine's state of the run: a prompt waiting in a ComfyUI queue is `queued`, not running. */
  runState?: 'queued' | 'running'
  nodeId: string | null
  classType: string | null
  nodeState: NodeStatus['state'] | null
  value: number | null
  max: number | null
  progress: number
}

export interface RunPreviewEvent {
  runId: string
  nodeId: string | null
  mime: string
  dataBase64: string
}

/** Event channels pushed by the core. */
export interface EventMap {
  'app:info': AppInfo
  'servers:changed': ServerView[]
  'runs:changed': Answers.RunSummary
  'runs:progress': RunProgressEvent
  'runs:preview': RunPreviewEvent
  'batches:changed': Answers.BatchSummary
}

export type RequestChannel = keyof RequestMap
export type EventChannel = keyof EventMap
export type RequestParams<K extends RequestChannel> = RequestMap[K]['params']
export type RequestResult<K extends RequestChannel> = RequestMap[K]['result']

/** Runtime list of channels: the preload and the HTTP bridge accept only these. */
export const REQUEST_CHANNELS = [
  'app:info',
  'app:open-external',
  'servers:list',
  'servers:add',
  'servers:update',
  'servers:remove',
  'servers:test',
  'farm:servers',
  'runs:submit',
  'runs:inspect',
  'runs:list',
  'runs:get',
  'runs:cancel',
  'runs:rerun',
  'batches:list',
  'batches:cancel',
  'history:search',
  'history:delete',
  'settings:get',
  'settings:update',
] as const satisfies readonly RequestChannel[]

export const EVENT_CHANNELS = [
  'app:info',
  'servers:changed',
  'runs:changed',
  'runs:progress',
  'runs:preview',
  'batches:changed',
] as const satisfies readonly EventChannel[]

/** The transport both bridges implement; the renderer builds its named API on top of it. */
export interface BridgeTransport {
  invoke<K extends RequestChannel>(channel: K, params: RequestParams<K>): Promise<RequestResult<K>>
  on<K extends EventChannel>(channel: K, listener: (payload: EventMap[K]) => void): () => void
  /** URL the renderer can put in <img src> for a cached image or its thumbnail. */
  imageUrl(hash: string, kind: 'full' | 'thumb'): string
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] }

// Compile-time check that the runtime channel lists name every channel of the maps (a channel
// added to a map but not to its list would be refused by the preload and the HTTP bridge).
type Exhaustive<Missing> = [Missing] extends [never] ? true : Missing
export const REQUEST_CHANNELS_COMPLETE: Exhaustive<Exclude<RequestChannel, (typeof REQUEST_CHANNELS)[number]>> = true
export const EVENT_CHANNELS_COMPLETE: Exhaustive<Exclude<EventChannel, (typeof EVENT_CHANNELS)[number]>> = true
