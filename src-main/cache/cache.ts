/**
 * The local cache as one object: SQLite rows plus image and thumbnail files under the data dir.
 * Everything here reads locally, so history, search, images and metadata work with every ComfyUI
 * server and the Temporal server unreachable.
 */
import type { HistoryPage, HistoryQuery, RunSummary } from '../../src-shared/contract/bridge'
import type { CachedImage, RunFinish } from '../../src-shared/contract/cache'
import { err, ok, type Result } from '../../src-shared/contract/result'
import type { OutputRef } from '../../src-shared/contract/runs'
import { existsSync } from 'node:fs'
import { checkDatabaseFile } from './database-file-check'
import { closeDatabase, DB_FILENAME, openDatabase, type CacheDatabase } from './db'
import { listModels, searchHistory } from './history-search'
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
  listModels(): { model: string; runs: number }[]
  /**
   * Check that each output's file is in the image store, make its thumbnail, fill a missing
   * width/height from the file, and return the outputs as they will be stored.
   */
  recordOutputs(outputs: OutputRef[]): Promise<Result<OutputRef[]>>
  /** Record the end of a run and its outputs (see {@link recordOutputs}); returns the new summary. */
  finishRun(runId: string, finish: RunFinish): Promise<Result<RunSummary>>
  /** Store image bytes by content hash and make their thumbnail. */
  importImageBytes(bytes: Uint8Array): Promise<Result<CachedImage>>
  /** Delete a run; its image and thumbnail files go only when no other output references them. */
  deleteRun(runId: string): Result<null>
  /** Path of a cached image by hash (format looked up), or null when unknown. */
  findImage(hash: string): { path: string; format: string } | null
  /** Path of a thumbnail by hash, or null when there is none. */
  findThumbnail(hash: string): string | null
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
        const size = await thumbnailOrNone(output.hash, output.format)
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

  return {
    db,
    runs,
    images,
    startupNotice,
    searchHistory: (query) => searchHistory(db, query),
    listModels: () => listModels(db),
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
    async importImageBytes(bytes) {
      try {
        return ok(await images.importImageBytes(bytes))
      } catch (error) {
        if (error instanceof ImageError) return err(error.code, error.message)
        throw error
      }
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
    close: () => closeDatabase(db),
  }
}
