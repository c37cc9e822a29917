/**
 * Cached image files: the originals in the content-addressed {@link BlobStore} (`<dataDir>/images`,
 * written by the worker) and small WebP thumbnails beside them (`<dataDir>/thumbs/<hh>/<hash>.webp`).
 * Every path is derived from a validated sha256, never from a name a server sent.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import sharp, { type Metadata, type Sharp } from 'sharp'
import type { CachedImage } from '../../src-shared/contract/cache'
import { BlobStore } from '../../src-shared/storage/blob-store'

/** Longest side of a thumbnail: enough for a dense grid on a HiDPI screen, a few KB per file. */
export const THUMB_SIZE = 256
const THUMB_QUALITY = 70
const HASH_RE = /^[0-9a-f]{64}$/
const FORMAT_RE = /^[a-z0-9]{1,8}$/

export class ImageError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = 'ImageError'
  }
}

export class ImageStore {
  readonly blobs: BlobStore
  readonly thumbsRoot: string

  constructor(dataDir: string) {
    this.blobs = new BlobStore(join(dataDir, 'images'))
    this.thumbsRoot = join(dataDir, 'thumbs')
    mkdirSync(this.thumbsRoot, { recursive: true })
  }

  /** @throws ImageError when hash or format are not of the expected shape (e.g. a traversal attempt). */
  imagePath(hash: string, format: string): string {
    checkShape(hash, format)
    return this.blobs.pathOf(hash, format)
  }

  /** @throws ImageError when hash is not a sha256 hex digest. */
  thumbPath(hash: string): string {
    if (!HASH_RE.test(hash)) throw new ImageError('cache/bad-hash', `Not a sha256 hex digest: ${JSON.stringify(hash)}.`)
    return join(this.thumbsRoot, hash.slice(0, 2), `${hash}.webp`)
  }

  hasImage(hash: string, format: string): boolean {
    checkShape(hash, format)
    return this.blobs.has(hash, format)
  }

  /**
   * Make the thumbnail of a stored image if it does not exist yet, and return the image's size.
   *
   * @throws ImageError when the image is missing or not an image sharp can read.
   */
  async ensureThumbnail(hash: string, format: string): Promise<{ width: number | null; height: number | null }> {
    const source = this.imagePath(hash, format)
    if (!existsSync(source)) throw new ImageError('cache/missing-image', `Image ${hash}.${format} is not in the cache.`)
    const image = sharp(source, { failOn: 'error' })
    let meta: Metadata
    try {
      meta = await image.metadata()
    } catch (error) {
      throw new ImageError('cache/not-an-image', `File ${hash}.${format} is not a readable image: ${String(error)}`)
    }
    const dest = this.thumbPath(hash)
    try {
      if (!existsSync(dest)) await writeThumbnail(image, dest)
    } catch (error) {
      // The header read but the pixels do not (a truncated PNG from a full disk): not a readable image.
      throw new ImageError('cache/not-an-image', `File ${hash}.${format} cannot be decoded: ${String(error)}`)
    }
    return { width: meta.width ?? null, height: meta.height ?? null }
  }

  /**
   * Store image bytes (a dropped PNG, an output fetched during reconciliation) by content hash and
   * make its thumbnail. The format is read from the bytes, not from any file name.
   *
   * @throws ImageError when the bytes are not an image.
   */
  async importImageBytes(bytes: Uint8Array): Promise<CachedImage> {
    let meta: Metadata
    try {
      meta = await sharp(bytes, { failOn: 'error' }).metadata()
    } catch (error) {
      throw new ImageError('cache/not-an-image', `These bytes are not an image sharp can read: ${String(error)}`)
    }
    const format = normaliseFormat(meta.format)
    const hash = this.blobs.put(bytes, format)
    const size = await this.ensureThumbnail(hash, format)
    return { hash, format, width: size.width, height: size.height, bytes: bytes.byteLength }
  }

  /** Bytes of a stored image, from its file. */
  fileSize(hash: string, format: string): number {
    return statSync(this.imagePath(hash, format)).size
  }

  /** Remove an image and its thumbnail (the caller checked no output references them). */
  removeImage(hash: string, format: string): void {
    this.blobs.remove(hash, format)
    rmSync(this.thumbPath(hash), { force: true })
  }
}

function checkShape(hash: string, format: string): void {
  if (!HASH_RE.test(hash)) throw new ImageError('cache/bad-hash', `Not a sha256 hex digest: ${JSON.stringify(hash)}.`)
  if (!FORMAT_RE.test(format)) {
    throw new ImageError('cache/bad-format', `Not an image format/extension: ${JSON.stringify(format)}.`)
  }
}

function normaliseFormat(format: string | undefined): string {
  if (format === 'jpeg') return 'jpg'
  if (format === 'heif') return 'avif'
  if (!format || !FORMAT_RE.test(format)) throw new ImageError('cache/not-an-image', 'Unknown image format.')
  return format
}

async function writeThumbnail(image: Sharp, dest: string): Promise<void> {
  mkdirSync(join(dest, '..'), { recursive: true })
  // Write beside and rename so a crash never leaves a half-written thumbnail under the final name.
  const tmp = `${dest}.${process.pid}.${Date.now()}.tmp`
  try {
    await image
      .clone()
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: THUMB_QUALITY })
      .toFile(tmp)
  } catch (error) {
    rmSync(tmp, { force: true })
    throw error
  }
  renameSync(tmp, dest)
}
