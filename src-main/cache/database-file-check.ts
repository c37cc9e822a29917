/**
 * Looks at comfyfleet.db before SQLite does. SQLite takes a 0-byte file (a truncated copy, a disk
 * that filled up, a sync tool's placeholder) for a new, empty database and would silently start
 * over: servers and history gone without a word while the images stay on disk (case
 * truncated-db-silent-reset). Such a file is set aside, the start is reported, and the images
 * are kept. A missing database beside existing images is reported too.
 */
import { existsSync, readdirSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Files under `dir`, counted without following into anything but directories. */
function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0
  let n = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) n += countFiles(join(dir, entry.name))
    else if (entry.isFile()) n++
  }
  return n
}

/** A sentence for the log and app:info when the database is not what the images say it was; else null. */
export function checkDatabaseFile(dataDir: string, dbFilename: string, now = Date.now()): string | null {
  const file = join(dataDir, dbFilename)
  const images = countFiles(join(dataDir, 'images'))
  const kept =
    images > 0 ? ` The ${images} cached image file(s) in images/ are kept, but history no longer lists them.` : ''
  if (!existsSync(file)) {
    return images > 0 ? `The database ${file} is missing; starting with an empty one.${kept}` : null
  }
  if (statSync(file).size > 0) return null
  const aside = `${file}.empty-${now}`
  renameSync(file, aside)
  for (const side of ['-wal', '-shm']) if (existsSync(file + side)) renameSync(file + side, aside + side)
  return (
    `The database ${file} was empty (0 bytes): servers and history were lost before this start. ` +
    `It is kept as ${aside}; starting with an empty database.${kept}`
  )
}
