/**
 * The local cache as one object: SQLite rows plus image and thumbnail files under the data dir.
 * Everything here reads locally, so history, search, images and metadata work with every ComfyUI
 * server and the Temporal server unreachable.
 */
import type { HistoryPage, HistoryQuery, RunSummary } from '../../src-shared/contract/bridge'
import type { RunFinish } from '../../src-shared/contract/cache'
import { err, ok, type Result } from '../../src-shared/contract/result'
import type { OutputRef } from '../../src-shared/contract/runs'
import { existsSync } from 'node:fs'
import { checkDatabaseFile } from './database-file-check'
import { closeDatabase, DB_FILENAME, openDatabase, type CacheDatabase } from './db'
import { searchHistory } from './history-search'
import { ImageError, ImageStore } from './image-store'
import { RunRepository } from './run-repository'

const HASH_RE = /^[0-9a-f]{64}$/
const COMMON_FORMATS = ['png', 'webp', 'jpg', 'gif', 'avif']
const NO_THUMBNAIL_FORMATS = new Set(['mp4', 'webm', 'mov', 'mkv', 'avi', 'wav', 'mp3', 'flac', 'glb', 'obj'])

export interface Cache {
  readonly db: CacheDatabase
  readonly runs: RunRepository
  readonly images: ImageStore
  /** One page of the history gallery. @throws InvalidHistoryQueryError on a malformed query. */
  searchHistory(query: HistoryQuery): HistoryPage
  /**
   * Check that each output's file is in the image store, fill a missing width/height from the file (making
   * its thumbnail on the way), and return the outputs as they will be stored. An output whose size the worker
   * already read from its header gets its thumbnail on first view ({@link thumbnail}), not on a run's end.
   */
  recordOutputs(outputs: OutputRef[]): Promise<Result<OutputRef[]>>
  /** Record the end of a run and its outputs (see {@link recordOutputs}); returns the new summary. */
  finishRun(runId: string, finish: RunFinish): Promise<Result<RunSummary>>
  /** Delete a run; its image and thumbnail files go only when no other output references them. */
  deleteRun(runId: string): Result<null>
  /** Path of a cached image by hash (format looked up), or null when unknown. */
  findImage(hash: string): { path: string; format: string } | null
  /** Path of a thumbnail by hash, or null when there is none (yet: see {@link thumbnail}). */
  findThumbnail(hash: string): string | null
  /**
   * Path of the thumbnail of a cached image, made now if it has none yet (concurrent calls share the work);
   * null for an unknown hash and for outputs that have no thumbnail (videos, undecodable files).
   */
  thumbnail(hash: string): Promise<string | null>
  /** What was wrong with the database file at start (set aside, missing), for the log and the UI. */
  readonly startupNotice: string | null
  close(): void
}

/** Open the cache under `dataDir` (database `<dataDir>/comfyfleet.db`, files beside it). */
export function openCache(dataDir: string): Cache {
  const startupNotice = checkDatabaseFile(dataDir, DB_FILENAME)
  const db = openDatabase(dataDir)
  const runs = new RunRepository(db)
  const images = new ImageStore(dataDir)

  /**
   * Videos (and files sharp cannot decode) are kept and listed without a thumbnail: an output the
   * server produced is never dropped because we cannot draw a preview of it.
   */
  async function thumbnailOrNone(
    hash: string,
    format: string
  ): Promise<{ width: number | null; height: number | null }> {
    if (NO_THUMBNAIL_FORMATS.has(format)) return { width: null, height: null }
    try {
      return await images.ensureThumbnail(hash, format)
    } catch (error) {
      if (error instanceof ImageError && error.code === 'cache/not-an-image') return { width: null, height: null }
      throw error
    }
  }

  /**
   * The size of an output: the worker's (read from the file's header as it was stored), else from the file.
   * Only the second makes the thumbnail now: a run's end does not wait ~7 ms of CPU for a picture nobody
   * may look at (the gallery asks for it, and then it is made once).
   */
  async function sizeOf(output: OutputRef): Promise<{ width: number | null; height: number | null }> {
    if (output.width !== null && output.height !== null) return { width: output.width, height: output.height }
    return await thumbnailOrNone(output.hash, output.format)
  }

  const thumbnailsInFlight = new Map<string, Promise<string | null>>()

  async function makeThumbnail(hash: string): Promise<string | null> {
    const image = cache.findImage(hash)
    if (image === null || NO_THUMBNAIL_FORMATS.has(image.format)) return null
    try {
      await images.ensureThumbnail(hash, image.format)
      return images.thumbPath(hash)
    } catch (error) {
      // Undecodable (or gone meanwhile): listed without a thumbnail, as before a thumbnail was asked for.
      if (error instanceof ImageError) return null
      throw error
    }
  }

  async function recordOutputs(outputs: OutputRef[]): Promise<Result<OutputRef[]>> {
    const stored: OutputRef[] = []
    for (const output of outputs) {
      try {
        if (!images.hasImage(output.hash, output.format)) {
          return err(
            'cache/missing-image',
            `Output ${output.hash}.${output.format} of node ${output.nodeId} is not in the image store.`
          )
        }
        const size = await sizeOf(output)
        stored.push({
          ...output,
          width: output.width ?? size.width,
          height: output.height ?? size.height,
          bytes: output.bytes > 0 ? output.bytes : images.fileSize(output.hash, output.format),
        })
      } catch (error) {
        if (error instanceof ImageError) return err(error.code, error.message)
        throw error
      }
    }
    return ok(stored)
  }

  const cache: Cache = {
    db,
    runs,
    images,
    startupNotice,
    searchHistory: (query) => searchHistory(db, query),
    recordOutputs,
    async finishRun(runId, finish) {
      const outputs = await recordOutputs(finish.outputs)
      if (!outputs.ok) return outputs
      if (!runs.finishRun(runId, { ...finish, outputs: outputs.value }, Date.now())) {
        return err('cache/unknown-run', `Run ${runId} is not in the cache.`)
      }
      const summary = runs.getSummary(runId)
      return summary ? ok(summary) : err('cache/unknown-run', `Run ${runId} is not in the cache.`)
    },
    deleteRun(runId) {
      const orphans = runs.deleteRun(runId)
      if (orphans === null) return err('cache/unknown-run', `Run ${runId} is not in the cache.`)
      for (const o of orphans) images.removeImage(o.hash, o.format)
      return ok(null)
    },
    findImage(hash) {
      if (!HASH_RE.test(hash)) return null
      // Imported images (dropped files) have no output row: look for the file under the usual formats.
      const known = runs.formatOf(hash)
      const format = [known, ...COMMON_FORMATS].find((f): f is string => f !== null && images.hasImage(hash, f))
      return format ? { path: images.imagePath(hash, format), format } : null
    },
    findThumbnail(hash) {
      if (!HASH_RE.test(hash)) return null
      const path = images.thumbPath(hash)
      return existsSync(path) ? path : null
    },
    async thumbnail(hash) {
      const existing = cache.findThumbnail(hash)
      if (existing !== null || !HASH_RE.test(hash)) return existing
      let making = thumbnailsInFlight.get(hash)
      if (making === undefined) {
        making = makeThumbnail(hash).finally(() => thumbnailsInFlight.delete(hash))
        thumbnailsInFlight.set(hash, making)
      }
      return await making
    },
    close: () => closeDatabase(db),
  }
  return cache
}
