import type { LogFn } from '../../src-shared/log/log-level'
import type { BlobStore } from '../../src-shared/storage/blob-store'
import type { ProgressSink } from '../progress-sink'
import type { Janitor } from '../scheduler/janitor'
import type { ServerDirectory } from '../scheduler/server-directory'
import type { SlotPool } from '../scheduler/slot-pool'
import type { ProgressUpdate } from '../../src-shared/temporal/contract'
import type { SpareSockets } from './spare-sockets'

// The one log function type lives in src-shared/log; re-exported for the activities that already import it here.
export type { LogFn }

/** What the activities need from the worker process (injected, so tests build their own). */
export interface EngineDeps {
  directory: ServerDirectory
  pool: SlotPool
  janitor: Janitor
  blobs: BlobStore
  /** Large prompt values, UI workflows, outputs lists and event data by content hash (`<dataDir>/payloads`). */
  payloads: BlobStore
  sink: ProgressSink
  log: LogFn
  /** Sends a progress snapshot to a run's workflow; default: the activity context's client. */
  sendProgress?: (workflowId: string, update: ProgressUpdate) => Promise<void>
  /**
   * True when this worker knows every server of the farm (the app): a prompt none of them can run fails
   * at once. False for one worker of a cluster: another worker's servers may run it, so retry.
   */
  ownsWholeFarm: boolean
  /** Tells main which runs hold which slots (after every change). */
  reportSlots?: () => void
  /** Pre-opened WebSockets (absent: every submit opens its own). */
  sockets?: SpareSockets
}
