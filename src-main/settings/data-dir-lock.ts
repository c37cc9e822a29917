import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isAlive } from '../process/pid'

/**
 * One ComfyFleet per data dir. Two would share one comfyfleet.db and one embedded Temporal
 * server, and when the first stopped, the second was left without Temporal and never restarted
 * it (case two-instances-same-datadir). The lock is a file naming the holder's pid, created
 * exclusively; a lock whose process is gone (a crash, a kill -9) is stale and taken over.
 */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number
  ) {
    super(
      `The data dir ${dataDir} is in use by another ComfyFleet (process ${pid}). ` +
        'Stop that one first, or give this one another data dir (--data-dir).'
    )
    this.name = 'DataDirInUseError'
  }
}

export interface DataDirLock {
  readonly path: string
  release(): void
}

export const LOCK_FILE = 'comfyfleet.lock'
/** Dirs this process holds: its own pid in a lock file is only live if it is listed here. */
const heldHere = new Set<string>()

function holderPid(path: string): { pid: number; text: string } | null {
  try {
    const text = readFileSync(path, 'utf8')
    const pid = Number((JSON.parse(text) as { pid?: unknown }).pid)
    return Number.isInteger(pid) && pid > 0 ? { pid, text } : { pid: 0, text }
  } catch {
    return null
  }
}

export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }) + '\n', {
        flag: 'wx',
        mode: 0o644,
      })
      heldHere.add(path)
      return { path, release: () => release(path) }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    const holder = holderPid(path)
    if (holder === null) continue // removed between our write and read: try again
    // Our own pid is live only if this process took the lock (a container restarts with the same pid).
    const live = holder.pid === process.pid ? heldHere.has(path) : isAlive(holder.pid)
    if (live) throw new DataDirInUseError(dataDir, holder.pid)
    // Stale: remove it only if it is still the file we judged (another starter may have replaced it).
    if (holderPid(path)?.text === holder.text) rmSync(path, { force: true })
  }
  throw new Error(`Could not lock the data dir ${dataDir} (${path} keeps changing)`)
}

function release(path: string): void {
  if (!heldHere.delete(path)) return
  if (holderPid(path)?.pid === process.pid) rmSync(path, { force: true })
}
