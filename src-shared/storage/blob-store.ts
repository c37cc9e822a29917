/**
 * Content-addressed image store on disk, shared by the worker (writes outputs it fetched from
 * ComfyUI) and main (reads, thumbnails, deletes). Files are named by the sha256 of their bytes, so
 * a file is stored once however many runs reference it, and no name a server sent ever becomes a path.
 */
import { createHash, randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'

/** What a streamed put stored: the hash, the size, and the file's first bytes (enough for an image header). */
export interface StreamedBlob {
  hash: string
  bytes: number
  head: Buffer
}

/** Bytes kept of a streamed file's start: image headers (a JPEG's SOF can follow a large EXIF block). */
const HEAD_BYTES = 256 * 1024
/** A streamed file up to this size is held in memory and written in one go; larger ones stream to disk. */
export const SPILL_BYTES = 4 * 1024 * 1024

const HASH_RE = /^[0-9a-f]{64}$/
const EXT_RE = /^[a-z0-9]{1,8}$/

export class BlobStore {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true })
  }

  /** Path of a blob, or throws when the hash or extension is not of the expected shape. */
  pathOf(hash: string, ext: string): string {
    if (!HASH_RE.test(hash)) throw new Error(`Not a sha256 hex digest: ${JSON.stringify(hash)}`)
    if (!EXT_RE.test(ext)) throw new Error(`Not a file extension: ${JSON.stringify(ext)}`)
    return join(this.root, hash.slice(0, 2), `${hash}.${ext}`)
  }

  /** Store bytes; returns their hash. Writing is atomic (temp file + rename), so readers never see half a file. */
  put(bytes: Uint8Array, ext: string): string {
    const hash = createHash('sha256').update(bytes).digest('hex')
    const path = this.pathOf(hash, ext)
    if (existsSync(path)) return hash
    mkdirSync(join(this.root, hash.slice(0, 2)), { recursive: true })
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`
    writeFileSync(tmp, bytes)
    renameSync(tmp, path)
    return hash
  }

  /**
   * Stores a file as it arrives, hashing on the way, so memory stays bounded whatever its size. Atomic
   * like put(): a failed stream leaves nothing behind. A file that ends within SPILL_BYTES is kept in
   * memory and written at once (put): an image of a run costs no temp file and no thread-pool round trips
   * (open, writes, close), which were ~2 ms of every short run on a busy machine.
   */
  async putStream(chunks: AsyncIterable<Uint8Array>, ext: string): Promise<StreamedBlob> {
    this.pathOf('0'.repeat(64), ext)
    const iterator = chunks[Symbol.asyncIterator]()
    const held: Uint8Array[] = []
    let heldBytes = 0
    for (;;) {
      const next = await iterator.next()
      if (next.done === true) {
        const all = Buffer.concat(held)
        return { hash: this.put(all, ext), bytes: all.byteLength, head: Buffer.from(all.subarray(0, HEAD_BYTES)) }
      }
      held.push(next.value)
      heldBytes += next.value.byteLength
      if (heldBytes > SPILL_BYTES) return await this.spill(held, iterator, ext)
    }
  }

  /** The rest of a large file goes to a temp file as it arrives, then is renamed to its hash. */
  private async spill(held: Uint8Array[], rest: AsyncIterator<Uint8Array>, ext: string): Promise<StreamedBlob> {
    const tmp = join(this.root, `.incoming-${process.pid}-${randomUUID()}.tmp`)
    const hasher = createHash('sha256')
    const head: Buffer[] = []
    let bytes = 0
    const file = await open(tmp, 'w')
    const take = async (chunk: Uint8Array): Promise<void> => {
      hasher.update(chunk)
      if (bytes < HEAD_BYTES) head.push(Buffer.from(chunk.subarray(0, HEAD_BYTES - bytes)))
      bytes += chunk.byteLength
      await file.write(chunk)
    }
    try {
      for (const chunk of held) await take(chunk)
      for (let next = await rest.next(); next.done !== true; next = await rest.next()) await take(next.value)
      await file.close()
    } catch (error) {
      await file.close().catch(() => undefined)
      rmSync(tmp, { force: true })
      // Stops the source (e.g. the HTTP body) the way a for-await loop's early exit would.
      await rest.return?.().catch(() => undefined)
      throw error
    }
    const hash = hasher.digest('hex')
    const path = this.pathOf(hash, ext)
    if (existsSync(path)) rmSync(tmp, { force: true })
    else {
      mkdirSync(join(this.root, hash.slice(0, 2)), { recursive: true })
      renameSync(tmp, path)
    }
    return { hash, bytes, head: Buffer.concat(head) }
  }

  has(hash: string, ext: string): boolean {
    return existsSync(this.pathOf(hash, ext))
  }

  read(hash: string, ext: string): Buffer {
    return readFileSync(this.pathOf(hash, ext))
  }

  remove(hash: string, ext: string): void {
    rmSync(this.pathOf(hash, ext), { force: true })
  }
}
