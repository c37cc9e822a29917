import type { StateCreator } from 'zustand'
import type { AppInfo } from '../../../src-shared/contract'
import type { ConnectionStatus } from '../bridge/connection-state'
import type { AppState } from './index'

/** Core process info, the live event-stream flag and a coarse clock for elapsed/ETA labels. */
export interface AppSlice {
  appInfo: AppInfo | null
  /** True once the first `app:info` answered; drives `data-app-state="ready"`. */
  ready: boolean
  /** Last `app:info` request failure (core unreachable), shown in the status bar. */
  appError: string | null
  connection: ConnectionStatus
  /** Epoch ms, ticked once a second by the clock module so only elapsed labels re-render. */
  now: number
  setAppInfo: (info: AppInfo) => void
  setAppError: (message: string | null) => void
  setConnection: (status: ConnectionStatus) => void
  tick: (now: number) => void
}

/** Creates the app slice. */
export const createAppSlice: StateCreator<AppState, [], [], AppSlice> = (set) => ({
  appInfo: null,
  ready: false,
  appError: null,
  connection: 'connecting',
  now: Date.now(),
  setAppInfo: (info) => set({ appInfo: info, ready: true, appError: null }),
  setAppError: (message) => set({ appError: message }),
  setConnection: (status) => set({ connection: status }),
  tick: (now) => set({ now }),
})
