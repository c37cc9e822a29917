import { sleep } from './backoff'

/**
 * Whether a process with this pid exists: the data-dir lock's holder, a Temporal server left by an earlier
 * app. EPERM means it exists but belongs to someone else, which still counts.
 */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Stops a process we did not start (no child handle, only its pid), the way the supervisor stops its
 * children: SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone (or cannot be signalled).
 */
export async function stopPid(pid: number, graceMs: number): Promise<void> {
  const gone = async (ms: number): Promise<boolean> => {
    const end = Date.now() + ms
    while (Date.now() < end) {
      if (!isAlive(pid)) return true
      await sleep(100)
    }
    return !isAlive(pid)
  }
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    try {
      process.kill(pid, signal)
    } catch {
      return
    }
    if (await gone(graceMs)) return
  }
}
