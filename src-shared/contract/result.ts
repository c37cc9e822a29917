/**
 * Expected failures cross process boundaries as values, not exceptions: Electron's IPC keeps only
 * `message` of a thrown error (electron/electron#24427), and our HTTP bridge would lose the class.
 */
export interface AppError {
  /** Stable, machine-readable code, e.g. `intake/not-json`, `servers/duplicate-address`. */
  code: string
  /** One sentence a user can act on, naming what was wrong. */
  message: string
  /** Optional structured details (per-node errors, offending field, …). */
  details?: unknown
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const err = (code: string, message: string, details?: unknown): Result<never> => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
})
