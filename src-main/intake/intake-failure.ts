import { err } from '../../src-shared/contract/result'
import type { Result } from '../../src-shared/contract/result'

/**
 * Raised inside the graph walkers, where threading Results through every recursive step would bury the
 * logic; `catchFailure` turns it back into a Result at the module boundary, so nothing escapes as a throw.
 */
export class IntakeFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown
  ) {
    super(message)
  }
}

/** Runs `fn`, converting an IntakeFailure (or a stack overflow from hostile input) into an error Result. */
export function catchFailure<T>(fn: () => Result<T>, fallbackCode: string): Result<T> {
  try {
    return fn()
  } catch (e) {
    if (e instanceof IntakeFailure) return err(e.code, e.message, e.details)
    const message = e instanceof Error ? e.message : String(e)
    return err(fallbackCode, `The workflow could not be read: ${message.slice(0, 200)}.`)
  }
}
