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
  /** What was wrong with the data dir at start (a settings file or database set aside), in words. */
  startupNotices: string[]
}

export type { Settings, SettingsPatch, TemporalSettings } from './settings'
