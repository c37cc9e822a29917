/**
 * The main-process core, the same in the desktop app and in headless mode: settings, the cache,
 * the fleet, Temporal (embedded or remote), the supervised worker, runs, and the local HTTP API.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { contentTypeOf } from '../../src-shared/media/mime-types'
import { BlobStore } from '../../src-shared/storage/blob-store'
import type { AppInfo, RunSummary, WorkerBootConfig } from '../../src-shared/contract'
import { err, type Result } from '../../src-shared/contract/result'
import { ApiServer, type ImageFiles } from '../api/http-server'
import { lockDataDir, type DataDirLock } from '../settings/data-dir-lock'
import { loadOrCreateToken } from '../api/auth'
import { registerRestRoutes } from '../api/rest-routes'
import { openCache, type Cache } from '../cache'
import type { FleetOptions } from '../fleet'
import { createFleetService } from './fleet-adapter'
import { Backoff, sleep } from '../process/backoff'
import { LogFile } from '../process/log-file'
import { LOG_LEVEL_ENV, logThreshold } from '../../src-shared/log/log-level'
import { RunClient } from '../runs/run-client'
import { FarmServers } from '../fleet/farm-servers'
import { RunService } from '../runs/run-service'
import { isFinal } from '../runs/run-states'
import { RunTracker } from '../runs/run-tracker'
import { SettingsStore } from '../settings/settings-store'
import { findTemporalCli } from '../temporal/cli-path'
import type { WorkerForker } from '../worker-host/worker-child'
import { WorkerProcess } from '../worker-host/worker-process'
import type { BridgeHandlers } from './bridge-handlers'
import { createHandlers } from './create-handlers'
import { EventHub } from './event-hub'
import type { FleetService } from './fleet-service'
import { TemporalRuntime } from './temporal-runtime'

export const TASK_QUEUE = 'comfyfleet'

export interface AppCoreOptions {
  mode: 'electron' | 'headless'
  dataDir: string
  projectRoot: string
  resourcesPath: string | null
  workerEntry: string
  /** Prebuilt workflow bundle; null bundles from source (tests). */
  workflowBundlePath: string | null
  forker: WorkerForker
  staticDir: string | null
  version: string
  /** Command-line and test overrides that are not saved to settings. */
  overrides?: {
    apiPort?: number
    apiHost?: string
    temporalPort?: number
    temporalUiPort?: number
    taskQueue?: string
    /** Serve the local API even if settings turned it off (headless always serves). */
    forceApi?: boolean
  }
  log?: (message: string) => void
  /** Lowest level kept in the log files: COMFYFLEET_LOG_LEVEL (error, warn, info or debug; default: that env var, else info). */
  logLevel?: string
  /** Health-check timing (tests use short intervals). */
  fleetMonitor?: FleetOptions['monitor']
  openExternal?: (url: string) => Promise<Result<null>>
}

export class AppCore {
  readonly hub = new EventHub()
  readonly settings: SettingsStore
  readonly cache: Cache
  readonly fleet: FleetService
  readonly temporal: TemporalRuntime
  readonly worker: WorkerProcess
  readonly tracker: RunTracker
  readonly runService: RunService
  readonly handlers: BridgeHandlers
  readonly images: ImageFiles
  readonly token: string
  readonly tokenPath: string
  runClient: RunClient | null = null
  /** The servers the farm's workers claim (remote Temporal): read-only, as their owners report them. */
  readonly farm = new FarmServers(() => this.runClient?.client ?? null)
  private api: ApiServer | null = null
  private stopped = false
  private readonly lock: DataDirLock
  /** Said once in the log and kept in app:info, so the UI can say it too. */
  private readonly startupNotices: string[]
  private readonly finishedListeners = new Set<(s: RunSummary) => void>()
  private readonly log: (m: string) => void
  /** main.log: what main says (also on the console), rotated by size beside worker.log and temporal.log. */
  private readonly mainLog: LogFile
  /** The Temporal settings this process runs with (changing them needs a restart). */
  private readonly startedTemporal: string

  constructor(private readonly opts: AppCoreOptions) {
    // A misspelt level is refused before anything is opened.
    const threshold = logThreshold(opts.logLevel ?? process.env[LOG_LEVEL_ENV])
    mkdirSync(opts.dataDir, { recursive: true })
    // First: nothing in the data dir is opened while another ComfyFleet uses it.
    this.lock = lockDataDir(opts.dataDir)
    const say = opts.log ?? ((m: string) => console.log(`[comfyfleet] ${m}`))
    try {
      this.mainLog = new LogFile(join(opts.dataDir, 'logs', 'main.log'), { threshold })
      this.settings = new SettingsStore(opts.dataDir)
      this.cache = openCache(opts.dataDir)
    } catch (e) {
      // A data dir we refuse to open (e.g. an unusable database) is not kept locked.
      this.lock.release()
      throw e
    }
    this.log = (m) => {
      this.mainLog.log('info', m)
      say(m)
    }
    // Only in the file: where one app's life begins in a log that spans many.
    this.mainLog.log('info', `ComfyFleet starting (pid ${process.pid}, data dir ${opts.dataDir})`)
    this.startupNotices = [this.settings.loadError, this.cache.startupNotice].filter((n): n is string => n !== null)
    for (const notice of this.startupNotices) this.log(notice)
    this.tokenPath = join(opts.dataDir, 'api-token')
    this.token = loadOrCreateToken(opts.dataDir)
    this.fleet = createFleetService({
      db: this.cache.db,
      dataDir: opts.dataDir,
      defaultSlots: () => this.settings.get().defaultSlots,
      monitor: opts.fleetMonitor,
      evacuate: (serverId) => this.worker.evacuate(serverId),
    })
    this.startedTemporal = JSON.stringify(this.temporalSettings())
    this.temporal = new TemporalRuntime({
      settings: this.temporalSettings(),
      dataDir: opts.dataDir,
      cliPath: () => findTemporalCli({ projectRoot: opts.projectRoot, resourcesPath: opts.resourcesPath }),
      onChange: () => this.emitInfo(),
      log: this.log,
    })
    this.worker = new WorkerProcess({
      entry: opts.workerEntry,
      forker: opts.forker,
      bootConfig: () => this.workerBoot(),
      logFile: join(opts.dataDir, 'logs', 'worker.log'),
      logLevel: threshold,
    })
    this.tracker = new RunTracker({
      runs: () => this.runClient,
      cache: this.cache,
      hub: this.hub,
      fleet: this.fleet,
      log: this.log,
      localWorkersOnly: () => this.settings.get().temporal.mode === 'embedded',
    })
    this.runService = new RunService({
      runs: () => this.runClient,
      cache: this.cache,
      fleet: this.fleet,
      tracker: this.tracker,
      defaults: () => ({ retry: this.settings.get().retry }),
      temporalUrl: (id) => this.temporal.workflowUrl(id),
      // Embedded Temporal has no other workers, hence no farm servers to ask.
      farmObjectInfo: () =>
        this.settings.get().temporal.mode === 'remote'
          ? this.farm.objectInfo()
          : Promise.resolve({ byServer: {}, names: {} }),
    })
    this.images = {
      resolve: async (hash, kind) => {
        if (kind === 'thumb') {
          const path = await this.cache.thumbnail(hash)
          return path ? { path, mime: 'image/webp' } : null
        }
        const found = this.cache.findImage(hash)
        return found ? { path: found.path, mime: contentTypeOf(found.format) } : null
      },
    }
    this.handlers = createHandlers({
      info: () => this.info(),
      fleet: this.fleet,
      runs: this.runService,
      tracker: this.tracker,
      cache: this.cache,
      settings: this.settings,
      onSettingsChanged: () => this.emitInfo(),
      farmServers: () => this.farm.list(),
      openExternal:
        opts.openExternal ?? (() => Promise.resolve(err('app/not-supported', 'Open the link in your browser'))),
    })
    this.wireEvents()
  }

  private temporalSettings(): ReturnType<SettingsStore['get']>['temporal'] {
    const t = this.settings.get().temporal
    const o = this.opts.overrides ?? {}
    return {
      ...t,
      embeddedPort: o.temporalPort ?? t.embeddedPort,
      embeddedUiPort: o.temporalUiPort ?? t.embeddedUiPort,
    }
  }

  /** True once saved Temporal settings differ from those this process started with. */
  private temporalChanged(): boolean {
    return JSON.stringify(this.temporalSettings()) !== this.startedTemporal
  }

  private get taskQueue(): string {
    return this.opts.overrides?.taskQueue ?? TASK_QUEUE
  }

  private workerBoot(): WorkerBootConfig {
    return {
      temporal: this.temporal.connectionConfig(),
      taskQueue: this.taskQueue,
      dataDir: this.opts.dataDir,
      workflowBundlePath: this.opts.workflowBundlePath,
      previews: this.settings.get().previews,
      ownsWholeFarm: this.settings.get().temporal.mode === 'embedded',
    }
  }

  private wireEvents(): void {
    this.fleet.onChange((servers) => {
      this.hub.emit('servers:changed', servers)
      this.worker.setServers(this.fleet.workerServers())
    })
    this.worker.on('state', () => this.emitInfo())
    this.worker.on('message', (m) => {
      if (m.type === 'run-progress') for (const event of m.events) this.tracker.onProgress(event)
      else if (m.type === 'run-preview' && this.settings.get().previews) this.hub.emit('runs:preview', m.event)
      else if (m.type === 'slots') this.fleet.setSlotUsage(m.usage)
      else if (m.type === 'server-health') {
        this.log(`worker: server ${m.serverId} ${m.state}${m.reason === null ? '' : ` (${m.reason})`}`)
        this.fleet.recheck(m.serverId)
      }
    })
    this.hub.subscribe((channel, payload) => {
      if (channel !== 'runs:changed') return
      const summary = payload as RunSummary
      if (isFinal(summary.status)) for (const l of this.finishedListeners) l(summary)
    })
  }

  /** A one-time link that signs a browser in to the served UI; null when no API is served. */
  loginUrl(): string | null {
    return this.api?.loginUrl() ?? null
  }

  /** Serve the API and history at once; Temporal and the worker come up behind (retried until they do). */
  async start(): Promise<void> {
    this.fleet.start()
    const s = this.settings.get()
    if (this.opts.mode === 'headless' || s.localApi.enabled || this.opts.overrides?.forceApi) {
      this.api = new ApiServer({
        host: this.opts.overrides?.apiHost ?? s.localApi.host,
        port: this.opts.overrides?.apiPort ?? s.localApi.port,
        token: this.token,
        staticDir: this.opts.staticDir,
        bridge: this.handlers,
        events: this.hub,
        images: this.images,
        routes: (router) =>
          registerRestRoutes(router, {
            runs: this.runService,
            tracker: this.tracker,
            fleet: this.fleet,
            cache: this.cache,
            client: () => this.runClient,
            farmServers: () => this.farm.list(),
          }),
      })
      await this.api.listen()
      this.emitInfo()
    }
    await this.startEngine()
  }

  /** Temporal, then the worker, then run tracking. A failure is reported and retried, never fatal. */
  private async startEngine(): Promise<void> {
    const backoff = new Backoff(1000, 30_000)
    // The worker's modules load while Temporal starts (cold start); it is booted once Temporal answers.
    this.worker.prefork()
    for (;;) {
      try {
        await this.temporal.start()
        break
      } catch (e) {
        const message = (e as Error).message
        this.temporal.info = { ...this.temporal.info, state: 'down', error: message }
        this.emitInfo()
        this.log(`Temporal is not available: ${message}`)
        if (this.stopped || !this.temporal.retryable) return
        await this.temporal.stop()
        await sleep(backoff.next())
        if (this.stopped) return
      }
    }
    this.runClient = new RunClient(
      this.temporal.client!,
      this.taskQueue,
      new BlobStore(join(this.opts.dataDir, 'payloads'))
    )
    this.worker.setServers(this.fleet.workerServers())
    await this.worker.start().catch((e: Error) => this.log(`worker: ${e.message} (it will be restarted)`))
    this.tracker.start()
    this.emitInfo()
  }

  info(): AppInfo {
    return {
      version: this.opts.version,
      mode: this.opts.mode,
      dataDir: this.opts.dataDir,
      temporal: { ...this.temporal.info, restartNeeded: this.temporalChanged() },
      worker: {
        state: this.worker.state,
        pid: this.worker.pid,
        restarts: this.worker.restarts,
        lastError: this.worker.lastError,
      },
      localApi: { enabled: this.api !== null, url: this.api?.url ?? null },
      startupNotices: this.startupNotices,
    }
  }

  onRunFinished(listener: (s: RunSummary) => void): () => void {
    this.finishedListeners.add(listener)
    return () => this.finishedListeners.delete(listener)
  }

  private emitInfo(): void {
    this.hub.emit('app:info', this.info())
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.tracker.stop()
    await this.api?.close()
    await this.worker.stop()
    await this.temporal.stop()
    await this.fleet.stop()
    this.cache.close()
    await this.mainLog.close()
    this.lock.release()
  }
}
