/** How often a wait polls: often enough for state that changes within tens of milliseconds. */
const POLL_MS = 50

/**
 * Waits until `probe` returns a value (anything truthy), polling, and returns it: for state that has no
 * event to wait on (a process's pid, a state field). Throws after `ms` naming `what`, so a stuck test
 * says what it was waiting for.
 */
export async function untilValue<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  ms = 20_000
): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`)
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
}

/** Waits until `cond` holds (see {@link untilValue}). */
export async function until(cond: () => boolean | Promise<boolean>, ms = 20_000, what = 'condition'): Promise<void> {
  await untilValue(what, cond, ms)
}
