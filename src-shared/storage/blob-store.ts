/**
 * Content-addressed image store on disk, shared by the worker (writes outputs it fetched from
 * ComfyUI) and main (reads, thumbnails, deletes). Files are named by the sha256 of their bytes, so
 * a file is stored once however many runs reference it, and no name a server sent ever becomes a path.
 */
import { createHash, randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'

/** What a streamed put stored: the hash, the size, and the file's first bytes (enough for an image header). */
export interface StreamedBlob {
  hash: string
  bytes: number
  head: Buffer
}

/** A file received and hashed but not yet in the store: in memory, or in a temp file (the other is null). */
export interface StagedBlob extends StreamedBlob {
  memory: Buffer | null
  tmp: string | null
}

/** Bytes kept of a streamed file's start: image headers (a JPEG's SOF can follow a large EXIF block). */
const HEAD_BYTES = 256 * 1024
/** A streamed file up to this size is held in memory and written in one go; larger ones stream to disk. */
export const SPILL_BYTES = 4 * 1024 * 1024

/** Names of staged files beside the store: `<prefix><pid>-<uuid>.tmp`, so a sweep can tell whose they are. */
export const STAGED_PREFIX = '.incoming-'

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
    this.write(hash, bytes, ext)
    return hash
  }

  private write(hash: string, bytes: Uint8Array, ext: string): void {
    const path = this.pathOf(hash, ext)
    if (existsSync(path)) return
    mkdirSync(join(this.root, hash.slice(0, 2)), { recursive: true })
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`
    writeFileSync(tmp, bytes)
    renameSync(tmp, path)
  }

  /**
   * Stores a file as it arrives, hashing on the way, so memory stays bounded whatever its size. Atomic
   * like put(): a failed stream leaves nothing behind.
   */
  async putStream(chunks: AsyncIterable<Uint8Array>, ext: string): Promise<StreamedBlob> {
    this.pathOf('0'.repeat(64), ext)
    return this.commit(await this.stage(chunks), ext)
  }

  /**
   * Receives a file without storing it yet: commit() stores it, discard() drops it. A file that ends within
   * SPILL_BYTES (and while `mayHold` allows each chunk) is kept in memory and written at once: an image of a
   * run costs no temp file and no thread-pool round trips (open, writes, close), which were ~2 ms of every
   * short run on a busy machine. A larger one goes to a temp file as it arrives. A failed stream leaves nothing.
   */
  async stage(
    chunks: AsyncIterable<Uint8Array>,
    mayHold: (bytes: number) => boolean = () => true
  ): Promise<StagedBlob> {
    const iterator = chunks[Symbol.asyncIterator]()
    const held: Uint8Array[] = []
    let heldBytes = 0
    for (;;) {
      const next = await iterator.next()
      if (next.done === true) {
        const memory = Buffer.concat(held)
        const hash = createHash('sha256').update(memory).digest('hex')
        return { hash, bytes: memory.byteLength, head: Buffer.from(memory.subarray(0, HEAD_BYTES)), memory, tmp: null }
      }
      held.push(next.value)
      heldBytes += next.value.byteLength
      if (heldBytes > SPILL_BYTES || !mayHold(next.value.byteLength)) return await this.spill(held, iterator)
    }
  }

  /** Puts a staged file in the store under its hash (once: the staged copy is gone afterwards). */
  commit(staged: StagedBlob, ext: string): StreamedBlob {
    const { hash, bytes, head } = staged
    try {
      if (staged.memory !== null) this.write(hash, staged.memory, ext)
      else if (staged.tmp !== null) this.moveIn(staged.tmp, hash, ext)
    } finally {
      this.discard(staged)
    }
    return { hash, bytes, head }
  }

  /** Drops a staged file that will not be stored. */
  discard(staged: StagedBlob): void {
    if (staged.tmp !== null) rmSync(staged.tmp, { force: true })
    staged.memory = null
    staged.tmp = null
  }

  /**
   * Removes the temp files of staged downloads whose process is gone (a worker killed mid-download): they
   * are named by pid, so a live process's files, including another worker's on this store, are left alone.
   */
  sweepStaged(): void {
    for (const name of readdirSync(this.root)) {
      if (!name.startsWith(STAGED_PREFIX) || !name.endsWith('.tmp')) continue
      const pid = Number(name.slice(STAGED_PREFIX.length).split('-')[0])
      if (Number.isSafeInteger(pid) && pid > 0 && !isAlive(pid)) rmSync(join(this.root, name), { force: true })
    }
  }

  /** The rest of a large file goes to a temp file as it arrives. */
  private async spill(held: Uint8Array[], rest: AsyncIterator<Uint8Array>): Promise<StagedBlob> {
    const tmp = join(this.root, `${STAGED_PREFIX}${process.pid}-${randomUUID()}.tmp`)
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
      for (const chunk of held.splice(0)) await take(chunk)
      for (let next = await rest.next(); next.done !== true; next = await rest.next()) await take(next.value)
      await file.close()
    } catch (error) {
      await file.close().catch(() => undefined)
      rmSync(tmp, { force: true })
      // Stops the source (e.g. the HTTP body) the way a for-await loop's early exit would.
      await rest.return?.().catch(() => undefined)
      throw error
    }
    return { hash: hasher.digest('hex'), bytes, head: Buffer.concat(head), memory: null, tmp }
  }

  private moveIn(tmp: string, hash: string, ext: string): void {
    const path = this.pathOf(hash, ext)
    if (existsSync(path)) return
    mkdirSync(join(this.root, hash.slice(0, 2)), { recursive: true })
    renameSync(tmp, path)
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
