import type { StateCreator } from 'zustand'
import type { AppState } from './index'

/** A transient message at the bottom right. */
export interface Toast {
  id: number
  kind: 'error' | 'info' | 'success'
  message: string
  /** Optional heading, e.g. the file an intake error is about. */
  title?: string
}

/** The toast queue. */
export interface ToastsSlice {
  toasts: Toast[]
  pushToast: (toast: Omit<Toast, 'id'>) => number
  dismissToast: (id: number) => void
}

let nextId = 1

/** Creates the toasts slice (at most 5 on screen; the oldest goes first). */
export const createToastsSlice: StateCreator<AppState, [], [], ToastsSlice> = (set) => ({
  toasts: [],
  pushToast: (toast) => {
    const id = nextId++
    set((s) => ({ toasts: [...s.toasts.slice(-4), { ...toast, id }] }))
    return id
  },
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
})
