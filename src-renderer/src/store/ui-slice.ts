import type { StateCreator } from 'zustand'
import type { AppState } from './index'

/** The screens; `run` is the detail of one run. */
export type Route =
  { name: 'runs' } | { name: 'run'; id: string } | { name: 'servers' } | { name: 'history' } | { name: 'settings' }

/** Files waiting for the run sheet (the "Open…" and paste flows let the user set options first). */
export interface PendingIntake {
  files: { name: string; dataBase64: string }[]
  text: string | null
}

/** Navigation and transient UI state. */
export interface UiSlice {
  route: Route
  /** Non-null while the run sheet is open. */
  intake: PendingIntake | null
  setRoute: (route: Route) => void
  openIntake: (intake: PendingIntake) => void
  closeIntake: () => void
}

/** Parses `#/runs/<id>`-style hashes; unknown hashes land on the runs screen. */
export function routeFromHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent)
  const [head, id] = parts
  if (head === 'runs' && id) return { name: 'run', id }
  if (head === 'servers' || head === 'history' || head === 'settings') return { name: head }
  return { name: 'runs' }
}

/** The hash for a route (inverse of {@link routeFromHash}). */
export function hashFromRoute(route: Route): string {
  return route.name === 'run' ? `#/runs/${encodeURIComponent(route.id)}` : `#/${route.name}`
}

/** Creates the UI slice. */
export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => ({
  route: { name: 'runs' },
  intake: null,
  setRoute: (route) => set({ route }),
  openIntake: (intake) => set({ intake }),
  closeIntake: () => set({ intake: null }),
})
