import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { isAlive } from '../process/pid'

/**
 * The pid of the Temporal dev server this app spawned, beside its database. When main is killed
 * (kill -9, a crash), the server lives on as an orphan nobody supervises, and dies at its next log
 * line (its stdout is a pipe to the dead main). The next start finds it by this file and stops
 * it, so the one server on this database is always one the running app restarts when it dies.
 */
export interface ServerPid {
  pid: number
  port: number
}

export function writeServerPid(path: string, entry: ServerPid): void {
  writeFileSync(path, JSON.stringify(entry) + '\n')
}

export function readServerPid(path: string): ServerPid | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<ServerPid>
    return Number.isInteger(v.pid) && Number.isInteger(v.port) ? { pid: v.pid!, port: v.port! } : null
  } catch {
    return null
  }
}

/** Removes the file if it still names `pid` (a newer server may have replaced it). */
export function clearServerPid(path: string, pid: number | null): void {
  const entry = readServerPid(path)
  if (pid === null || entry === null || entry.pid === pid) rmSync(path, { force: true })
}

/**
 * Whether pid is still a Temporal server on this database, not an unrelated process that got the
 * pid later. Linux shows the command line; elsewhere a live pid from our own file is trusted.
 */
export function isOurServer(pid: number, dbFile: string): boolean {
  if (!isAlive(pid)) return false
  if (process.platform !== 'linux') return true
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(dbFile)
  } catch {
    return false
  }
}
