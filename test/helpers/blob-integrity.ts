import { createHash } from 'node:crypto'
import type { BlobStore } from '../../src-shared/storage/blob-store'

/** True when a blob is stored and its bytes still hash to its name (what a test asks of a stored output). */
export function storedIntact(store: BlobStore, hash: string, ext: string): boolean {
  if (!store.has(hash, ext)) return false
  return createHash('sha256').update(store.read(hash, ext)).digest('hex') === hash
}
