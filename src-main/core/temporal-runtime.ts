import { join } from 'node:path'
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client'
import type { Settings, TemporalConnectionConfig, TemporalInfo } from '../../src-shared/contract'
import { temporalConnectOptions } from '../../src-shared/temporal/connection'
import { TemporalDevServer } from '../temporal/dev-server'
import { sleep } from '../process/backoff'

export interface TemporalRuntimeOptions {
  settings: Settings['temporal']
  dataDir: string
  cliPath: () => string
  onChange: () => void
  log: (message: string) => void
}

/**
 * The Temporal side of the app: the embedded dev server (supervised) or a remote cluster, and
 * the client connection main uses to start, query and cancel runs.
 */
export class TemporalRuntime {
  devServer: TemporalDevServer | null = null
  connection: Connection | null = null
  client: Client | null = null
  info: TemporalInfo
  /** False when trying again cannot help (no Temporal CLI installed): the error says what to do. */
  retryable = true
  /** Set on stop: a gRPC retry still scheduled for a call in flight must not run on a closed channel. */
  private closing = false
  /**
   * When the last scheduled gRPC retry fires. The SDK's retry runs from a timer and throws if the
   * channel was closed meanwhile, so stop() closes the channel only after it (no retry follows: closing).
   */
  private retriesPendingUntil = 0
  private healthTimer: NodeJS.Timeout | null = null
  /** How often the connection is checked; a remote cluster has no supervisor to tell us it is gone. */
  static readonly HEALTH_INTERVAL_MS = 2000

  constructor(private readonly opts: TemporalRuntimeOptions) {
    const s = opts.settings
    this.info = {
      mode: s.mode,
      address: s.mode === 'remote' ? s.address : `127.0.0.1:${s.embeddedPort}`,
      namespace: s.namespace,
      state: 'down',
      uiUrl: null,
      error: null,
    }
  }

  /** What the worker needs to connect to the same Temporal. */
  connectionConfig(): TemporalConnectionConfig {
    const s = this.opts.settings
    return {
      address: this.info.address,
      namespace: s.namespace,
      tls: s.mode === 'remote' ? s.tls : null,
      apiKey: s.mode === 'remote' ? s.apiKey : null,
    }
  }

  async start(): Promise<void> {
    if (this.opts.settings.mode === 'embedded') await this.startEmbedded()
    else this.set({ state: 'starting', uiUrl: remoteUiUrl(this.opts.settings.address) })
    this.closing = false
    const retry = defaultGrpcRetryOptions()
    const interceptors = [
      makeGrpcRetryInterceptor({
        ...retry,
        retryableDecider: (attempt, status) => !this.closing && retry.retryableDecider(attempt, status),
        delayFunction: (attempt, status) => {
          const ms = retry.delayFunction(attempt, status)
          this.retriesPendingUntil = Math.max(this.retriesPendingUntil, Date.now() + ms)
          return ms
        },
      }),
    ]
    const options = temporalConnectOptions(this.connectionConfig())
    this.connection = await Connection.connect({ ...options, connectTimeout: 10_000, interceptors })
    this.client = new Client({ connection: this.connection, namespace: this.opts.settings.namespace })
    this.set({ state: 'up', error: null })
    this.healthTimer = setInterval(() => void this.checkHealth(), TemporalRuntime.HEALTH_INTERVAL_MS)
  }

  private async startEmbedded(): Promise<void> {
    const s = this.opts.settings
    let cliPath: string
    try {
      cliPath = this.opts.cliPath()
    } catch (e) {
      this.retryable = false
      throw e
    }
    const dev = new TemporalDevServer({
      cliPath,
      dbFile: join(this.opts.dataDir, 'temporal.db'),
      logDir: join(this.opts.dataDir, 'logs'),
      port: s.embeddedPort,
      uiPort: s.embeddedUiPort,
      namespace: s.namespace,
    })
    this.devServer = dev
    dev.on('state', (state, error) => this.set({ state, error }))
    dev.on('notice', (m) => this.opts.log(m))
    this.set({ state: 'starting' })
    const { address, uiUrl } = await dev.start()
    this.set({ address, uiUrl })
  }

  /** Up or down as the server answers; the embedded server's supervisor reports restarts itself. */
  private async checkHealth(): Promise<void> {
    const conn = this.connection
    if (!conn || this.closing || this.info.state === 'starting' || this.info.state === 'restarting') return
    try {
      await conn.withDeadline(Date.now() + 1500, () => conn.workflowService.getSystemInfo({}))
      if (this.info.state !== 'up') this.set({ state: 'up', error: null })
    } catch (e) {
      if (this.closing) return
      if (this.info.state === 'up')
        this.set({ state: 'down', error: `Temporal at ${this.info.address} does not answer: ${(e as Error).message}` })
    }
  }

  /** Link to one workflow in the Temporal Web UI, when we know the UI's address. */
  workflowUrl(workflowId: string): string | null {
    if (!this.info.uiUrl) return null
    return `${this.info.uiUrl}/namespaces/${encodeURIComponent(this.info.namespace)}/workflows/${encodeURIComponent(workflowId)}`
  }

  private set(patch: Partial<TemporalInfo>): void {
    this.info = { ...this.info, ...patch }
    this.opts.onChange()
  }

  async stop(): Promise<void> {
    this.closing = true
    if (this.healthTimer) clearInterval(this.healthTimer)
    this.healthTimer = null
    // At most the SDK's longest retry interval (5 s), and only when a retry is actually scheduled.
    const wait = Math.min(6_000, this.retriesPendingUntil - Date.now() + 20)
    if (wait > 0) await sleep(wait)
    await this.connection?.close().catch(() => undefined)
    this.connection = null
    this.client = null
    await this.devServer?.stop()
  }
}

/** Temporal Cloud's UI is cloud.temporal.io; for self-hosted clusters we do not know it. */
function remoteUiUrl(address: string): string | null {
  return address.endsWith('.tmprl.cloud:7233') ? 'https://cloud.temporal.io' : null
}
