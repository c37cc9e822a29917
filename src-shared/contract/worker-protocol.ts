/**
 * Messages between the main process and the worker process (Electron utilityProcess or
 * child_process.fork). A discriminated union on `type`, so both sides switch exhaustively.
 */
import type { LogLevel } from '../log/log-level'
import type { RunPreviewEvent, RunProgressEvent } from './bridge'
import type { ServerCapabilities } from './servers'

export interface TemporalConnectionConfig {
  address: string
  namespace: string
  tls: { certPath: string; keyPath: string; caPath: string | null; serverName: string | null } | null
  apiKey: string | null
}

export interface WorkerBootConfig {
  temporal: TemporalConnectionConfig
  taskQueue: string
  /** Root of the app's data dir; the content-addressed image store is `<dataDir>/images`. */
  dataDir: string
  /** Prebuilt workflow bundle (production) or null to bundle from source (development/tests). */
  workflowBundlePath: string | null
  previews: boolean
  /**
   * True when this is the farm's only worker (embedded Temporal). With a remote cluster other workers
   * share the task queue: a run this worker cannot place on a healthy server now is given back at once.
   */
  ownsWholeFarm?: boolean
}

/** A server as the worker needs it for scheduling. */
export interface WorkerServer {
  id: string
  name: string
  address: string
  slots: number
  /** enabled && !draining && online: may take new runs. */
  accepting: boolean
  online: boolean
  capabilities: ServerCapabilities | null
  vramFree: number | null
  vramTotal: number | null
  gpu: string | null
}

export type MainToWorker =
  | { type: 'boot'; config: WorkerBootConfig }
  | { type: 'servers'; servers: WorkerServer[] }
  /** The server is about to be removed: take no new runs there, move the ones on it elsewhere. */
  | { type: 'evacuate'; requestId: string; serverId: string }
  | { type: 'shutdown' }

export interface SlotUsage {
  serverId: string
  inUse: number
  runIds: string[]
  /** Measured work rate (cost units per ms, smoothed over finished runs); null until measured. */
  rate?: number | null
}

/** One live progress event of a run, with the server it runs on (main's run tracker keys slots by it). */
export type RunProgressUpdate = RunProgressEvent & { serverId: string | null }

export type WorkerToMain =
  | { type: 'ready'; pid: number; taskQueue: string }
  | { type: 'log'; level: LogLevel; message: string }
  | { type: 'fatal'; message: string }
  /** Live progress, in the order it happened: every event the worker's runs made in one event-loop turn. */
  | { type: 'run-progress'; events: RunProgressUpdate[] }
  | { type: 'run-preview'; event: RunPreviewEvent }
  | { type: 'slots'; usage: SlotUsage[] }
  /** The worker saw a server's requests fail (down) or answer again (up); main re-checks it at once. */
  | { type: 'server-health'; serverId: string; state: 'down' | 'up'; reason: string | null }
  /** Answer to `evacuate`: `moved` left the server; `remaining` were still on it when time ran out. */
  | { type: 'evacuated'; requestId: string; serverId: string; moved: string[]; remaining: string[] }

export function isWorkerToMain(value: unknown): value is WorkerToMain {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
}
