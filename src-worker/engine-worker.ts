/**
 * Builds the Temporal worker of the run engine: one task queue for the workflows and the execute
 * activity, with activity slots supplied by the server slot pool (activity concurrency == free server
 * slots), plus the server directory, janitor and blob store the activities use.
 */
import { dirname, join } from 'node:path'
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker'
import type { TemporalConnectionConfig, WorkerServer } from '../src-shared/contract/worker-protocol'
import { BlobStore } from '../src-shared/storage/blob-store'
import { temporalConnectOptions } from '../src-shared/temporal/connection'
import { DEFAULT_BATCH_WINDOW, urgentTaskQueue } from '../src-shared/temporal/contract'
import { createActivities } from './activities'
import type { EngineDeps, LogFn } from './activities/deps'
import type { ProgressSink } from './progress-sink'
import { Janitor } from './scheduler/janitor'
import { ServerClaims } from './scheduler/server-claims'
import { ServerDirectory } from './scheduler/server-directory'
import { SlotPool } from './scheduler/slot-pool'
import { ServerSlotSupplier } from './scheduler/slot-supplier'
import { SpareSockets } from './activities/spare-sockets'
import { SlotReports } from './slot-reports'
import { workflowBundleOptions } from './workflow-bundle-options'
import type { SlotUsage } from '../src-shared/contract/worker-protocol'

export interface EngineWorkerOptions {
  connection: NativeConnection
  namespace: string
  taskQueue: string
  /** Content-addressed image store root (`<dataDir>/images`). */
  imagesDir: string
  sink: ProgressSink
  log?: LogFn
  /** Prebuilt bundle (production); null: bundle `src-worker/workflows` from source (dev, tests). */
  workflowBundlePath?: string | null
  servers?: WorkerServer[]
  identity?: string
  onSlots?: (usage: SlotUsage[]) => void
  /** False for one worker of a multi-worker cluster (default true: this worker owns every server). */
  ownsWholeFarm?: boolean
  /** Silence after which a server that takes connections but answers nothing is gone (default 30 s). */
  silenceForGoneMs?: number
  /**
   * Shared task queue: this worker's stable identity (host + data dir). Its servers are then claimed
   * farm-wide through Temporal and used only once the claim is ours (one owner per server).
   */
  claimOwner?: string
}

export interface EngineWorker {
  worker: Worker
  directory: ServerDirectory
  pool: SlotPool
  janitor: Janitor
  supplier: ServerSlotSupplier
  /** Runs until shutdown; cleans up timers afterwards. */
  run(): Promise<void>
  shutdown(): void
}

/**
 * Workflows kept in the worker's cache between their tasks. The SDK derives its default from V8's heap limit
 * (600 per GB above 200 MB, at least 10), so under the worker's 192 MB limit (src-main/process/memory-flags.ts)
 * it would be 10: a batch's 64 open runs were then evicted and replayed on every task, which doubled the
 * worker's CPU per run (measured, README Performance). Twice a default batch window holds its open runs, the
 * batch and the claims with room to spare; past it a workflow is replayed on its next task: CPU, never
 * correctness.
 */
const MAX_CACHED_WORKFLOWS = 2 * DEFAULT_BATCH_WINDOW

/**
 * Waiting runs per usable server the farm's only worker holds: enough to see a burst (8 on 4 GPUs: 32
 * waiting, a 40-run batch whole) and order it longest first. Each waiting run is a started activity that
 * heartbeats once a second, so not unbounded; a worker sharing the queue holds 1 (slot-pool.ts).
 */
const LOOK_AHEAD_ALONE = 8

/**
 * Urgent runs this worker takes at once, beside the look-ahead (their own task queue: urgentTaskQueue).
 * Its polls are almost always open, so an urgent run is picked up at once; the pool then gives it a
 * slot one above the server's, at ComfyUI's front (placement.ts slotsFor).
 */
const URGENT_PERMITS = 2

export async function createEngineWorker(options: EngineWorkerOptions): Promise<EngineWorker> {
  const log: LogFn = options.log ?? (() => undefined)
  const directory = new ServerDirectory(1_000, options.silenceForGoneMs)
  const ownsWholeFarm = options.ownsWholeFarm ?? true
  const pool = new SlotPool(directory, ownsWholeFarm ? LOOK_AHEAD_ALONE : 1)
  const janitor = new Janitor(directory, pool, (m) => log('info', m))
  const supplier = new ServerSlotSupplier(pool)
  const sockets = new SpareSockets()
  const onSlots = options.onSlots
  const slotReports = onSlots === undefined ? null : new SlotReports(() => pool.usage(), onSlots)
  directory.on('changed', () => sockets.keepOnly(directory.list().map((s) => s.address)))
  directory.update(options.servers ?? [])
  const blobs = new BlobStore(options.imagesDir)
  // A worker killed mid-download left its staged files (output-prefetch.ts) beside the store.
  blobs.sweepStaged()
  const deps: EngineDeps = {
    directory,
    pool,
    janitor,
    blobs,
    // Beside images/ in the same data dir, where main stores what it sends by reference.
    payloads: new BlobStore(join(dirname(options.imagesDir), 'payloads')),
    sink: options.sink,
    log,
    ownsWholeFarm,
    reportSlots: slotReports === null ? undefined : () => slotReports.changed(),
    sockets,
  }
  // What both task queues' workers share: one set of activities over the same pool, and heartbeat details
  // (the placement record) that reach Temporal within a second.
  const common = {
    connection: options.connection,
    namespace: options.namespace,
    ...(options.identity === undefined ? {} : { identity: options.identity }),
    activities: createActivities(deps),
    maxHeartbeatThrottleInterval: '1 second',
    defaultHeartbeatThrottleInterval: '1 second',
  } satisfies Partial<WorkerOptions>
  const worker = await Worker.create({
    ...common,
    taskQueue: options.taskQueue,
    ...workflowSource(options.workflowBundlePath ?? null),
    maxCachedWorkflows: MAX_CACHED_WORKFLOWS,
    tuner: {
      workflowTaskSlotSupplier: { type: 'fixed-size', numSlots: 40 },
      activityTaskSlotSupplier: supplier,
      localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 10 },
      nexusTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
    },
  })
  const urgentWorker = await Worker.create({
    ...common,
    taskQueue: urgentTaskQueue(options.taskQueue),
    maxConcurrentActivityTaskExecutions: URGENT_PERMITS,
  })
  const claims =
    options.claimOwner === undefined
      ? null
      : new ServerClaims({
          connection: options.connection,
          namespace: options.namespace,
          taskQueue: options.taskQueue,
          owner: options.claimOwner,
          directory,
          pool,
          log,
        })
  claims?.start()
  directory.start()
  pool.start()
  janitor.start()
  const stopTimers = (): void => {
    slotReports?.stop()
    sockets.stop()
    directory.stop()
    pool.stop()
    janitor.stop()
  }
  return {
    worker,
    directory,
    pool,
    janitor,
    supplier,
    async run() {
      try {
        await Promise.all([worker.run(), urgentWorker.run()])
      } finally {
        stopTimers()
        await claims?.stop()
      }
    },
    shutdown() {
      for (const w of [worker, urgentWorker]) if (w.getState() === 'RUNNING') w.shutdown()
    },
  }
}

function workflowSource(
  bundlePath: string | null
): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> {
  if (bundlePath !== null) return { workflowBundle: { codePath: bundlePath } }
  const { workflowsPath, preloadModules } = workflowBundleOptions()
  return { workflowsPath, bundlerOptions: { preloadModules } }
}

/** Connects to Temporal with the app's connection settings (TLS / API key for remote clusters). */
export async function connectTemporal(config: TemporalConnectionConfig): Promise<NativeConnection> {
  return await NativeConnection.connect(temporalConnectOptions(config))
}

/** How long to keep trying Temporal: doubling delays, and an end (a deadline, or a stop signal). */
export interface ConnectPatience {
  initialMs: number
  maxMs: number
  /** Give up (rethrow the last error) once the next wait would pass this long after the first try. */
  giveUpAfterMs?: number
  /** Resolves when the process is asked to stop: the wait ends and null is returned. */
  stopped?: Promise<unknown>
}

/**
 * Connects to Temporal, retrying with backoff while it is unreachable (each failure logged with why).
 * The one retry loop of both workers: the app's waits out an embedded server's restart, the standalone
 * one waits for its cluster indefinitely. Null when stopped meanwhile.
 */
export async function connectTemporalPatiently(
  config: TemporalConnectionConfig,
  log: LogFn,
  patience: ConnectPatience
): Promise<NativeConnection | null> {
  const deadline = Date.now() + (patience.giveUpAfterMs ?? Number.POSITIVE_INFINITY)
  const stopped = (patience.stopped ?? new Promise(() => undefined)).then(() => 'stopped' as const)
  for (let delay = patience.initialMs; ; delay = Math.min(patience.maxMs, delay * 2)) {
    try {
      return await connectTemporal(config)
    } catch (error) {
      if (Date.now() + delay > deadline) throw error
      const reason = error instanceof Error ? error.message : String(error)
      log('warn', `Temporal at ${config.address} unreachable (${reason}); retrying in ${delay} ms`)
    }
    const waited = new Promise((r) => setTimeout(r, delay)).then(() => 'retry' as const)
    if ((await Promise.race([waited, stopped])) === 'stopped') return null
  }
}
