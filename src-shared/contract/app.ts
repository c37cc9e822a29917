import type { RetryPolicyInput } from './runs'

export type ProcessState = 'starting' | 'up' | 'down' | 'restarting'

export interface TemporalInfo {
  mode: 'embedded' | 'remote'
  address: string
  namespace: string
  state: ProcessState
  /** Base URL of the Temporal Web UI, when there is one we know of. */
  uiUrl: string | null
  error: string | null
  /**
   * The saved Temporal settings differ from the ones the app is running with: they apply at the next
   * start (the worker, the run tracker and the API all hold the connection).
   */
  restartNeeded?: boolean
}

export interface WorkerInfo {
  state: ProcessState
  pid: number | null
  restarts: number
  lastError: string | null
}

export interface AppInfo {
  version: string
  mode: 'electron' | 'headless'
  dataDir: string
  temporal: TemporalInfo
  worker: WorkerInfo
  /** The local HTTP API, when it is served. */
  localApi: { enabled: boolean; url: string | null }
}

export interface TemporalSettings {
  mode: 'embedded' | 'remote'
  /** Remote only: `host:port` of the frontend service. */
  address: string
  namespace: string
  /** Embedded only: gRPC and Web UI ports (0 = pick a free one). */
  embeddedPort: number
  embeddedUiPort: number
  /** Remote only: mutual TLS files, or an API key (Temporal Cloud). */
  tls: { certPath: string; keyPath: string; caPath: string | null; serverName: string | null } | null
  apiKey: string | null
}

export interface Settings {
  temporal: TemporalSettings
  retry: Required<RetryPolicyInput>
  defaultSlots: number
  localApi: { enabled: boolean; host: string; port: number }
  previews: boolean
}
