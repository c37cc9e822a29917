/**
 * Waits until `cond` holds, polling: for state that has no event to wait on (a process's pid, a state
 * field). Throws after `ms` naming `what`, so a stuck test says what it was waiting for.
 */
export async function until(cond: () => boolean | Promise<boolean>, ms = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
