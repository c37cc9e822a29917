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
   * like put(): a failed stream leaves nothing behind.
   */
  async putStream(chunks: AsyncIterable<Uint8Array>, ext: string): Promise<StreamedBlob> {
    this.pathOf('0'.repeat(64), ext)
    const tmp = join(this.root, `.incoming-${process.pid}-${randomUUID()}.tmp`)
    const hasher = createHash('sha256')
    const head: Buffer[] = []
    let bytes = 0
    const file = await open(tmp, 'w')
    try {
      for await (const chunk of chunks) {
        hasher.update(chunk)
        if (bytes < HEAD_BYTES) head.push(Buffer.from(chunk.subarray(0, HEAD_BYTES - bytes)))
        bytes += chunk.byteLength
        await file.write(chunk)
      }
      await file.close()
    } catch (error) {
      await file.close().catch(() => undefined)
      rmSync(tmp, { force: true })
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

  /** True when the stored bytes still hash to their name. */
  verify(hash: string, ext: string): boolean {
    if (!this.has(hash, ext)) return false
    return createHash('sha256').update(this.read(hash, ext)).digest('hex') === hash
  }

  remove(hash: string, ext: string): void {
    rmSync(this.pathOf(hash, ext), { force: true })
  }
}
