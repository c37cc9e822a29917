import type { StateCreator } from 'zustand'
import type { Settings } from '../../../src-shared/contract'
import type { AppState } from './index'

/** The core's settings as last read or saved. */
export interface SettingsSlice {
  settings: Settings | null
  setSettings: (settings: Settings) => void
}

/** Creates the settings slice. */
export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  settings: null,
  setSettings: (settings) => set({ settings }),
})
