/**
 * Output files fetched while the prompt is still finishing, so the authoritative GET /history is not
 * followed by a second round of GET /view on every run's path.
 *
 * ComfyUI names a node's files in its `executed` message as soon as they are saved; history is written
 * only after the whole prompt ends (protocol §7.4). Each file named there is downloaded at once and staged
 * (blob-store.ts: in memory, or a large one in a temp file beside the store), and nothing more: only history
 * decides what the run's outputs are (storeOutputs commits a staged file when history names it, fetches any
 * other itself, and never sees one history does not name), so a hostile or confused server's `executed`
 * messages change nothing but the timing. Nothing enters the store before history confirms it, and dispose()
 * drops what history did not name: a file the run did not keep leaves no orphan blob.
 */
import type { ComfyHttpClient } from '../../src-shared/comfy/http-client'
import type { ImageRef, NodeOutput } from '../../src-shared/comfy/types'
import { type BlobStore, SPILL_BYTES, type StagedBlob } from '../../src-shared/storage/blob-store'
import { fileRefs } from './outputs'

/**
 * What one run may hold of prefetched files in memory at a time. The confirmed path stores one file at a
 * time, so it never held more than one file's SPILL_BYTES; a node saving a batch of large images must not
 * hold them all in memory at once in a worker whose heap is sized for many runs (past the budget, files
 * are staged on disk).
 */
export const PREFETCH_BUDGET_BYTES = 4 * SPILL_BYTES

/** A file downloaded ahead of history, with the content type /view answered with. */
export interface PrefetchedFile {
  contentType: string
  staged: StagedBlob
}

export class OutputPrefetch {
  /** Settled downloads never reject: a failed one is null, and the confirmed path fetches that file itself. */
  private readonly files = new Map<string, Promise<PrefetchedFile | null>>()
  /** Bytes held in memory by downloads done or under way and not yet taken. */
  private held = 0
  private disposed = false

  constructor(
    readonly client: Pick<ComfyHttpClient, 'address' | 'view'>,
    private readonly blobs: Pick<BlobStore, 'stage' | 'discard'>
  ) {}

  /** Starts downloading the files one `executed` message names (each file once). */
  start(output: NodeOutput | null): void {
    if (output === null || this.disposed) return
    for (const file of fileRefs(output)) {
      const key = keyOf(file)
      if (!this.files.has(key)) this.files.set(key, this.fetch(file))
    }
  }

  /** The prefetched file, once, or null when it was not prefetched or its download did not succeed. */
  async take(file: ImageRef): Promise<PrefetchedFile | null> {
    const key = keyOf(file)
    const download = this.files.get(key)
    if (download === undefined) return null
    this.files.delete(key)
    const taken = await download
    if (taken !== null && taken.staged.memory !== null) this.held -= taken.staged.bytes
    return taken
  }

  /**
   * Drops every file not taken, and stops the downloads under way (a cancelled run's video is not read to its
   * end): the attempt is over, and history named none of them.
   */
  dispose(): void {
    this.disposed = true
    for (const download of this.files.values()) void download.then((f) => f !== null && this.blobs.discard(f.staged))
    this.files.clear()
  }

  /**
   * Any failure is left to the confirmed path, which reports it exactly as before (404: missing outputs,
   * refused: the run fails naming the file).
   */
  private async fetch(file: ImageRef): Promise<PrefetchedFile | null> {
    let mine = 0
    // Memory for this file while the budget allows; past it, the store stages the file on disk.
    const mayHold = (bytes: number): boolean => {
      if (this.held + bytes > PREFETCH_BUDGET_BYTES) return false
      this.held += bytes
      mine += bytes
      return true
    }
    try {
      const { contentType, chunks } = await this.client.view(file)
      const staged = await this.blobs.stage(
        until(chunks, () => this.disposed),
        mayHold
      )
      if (staged.memory === null) this.held -= mine
      if (!this.disposed) return { contentType, staged }
      this.blobs.discard(staged)
      return null
    } catch {
      this.held -= mine
      return null
    }
  }
}

function keyOf(file: ImageRef): string {
  return JSON.stringify([file.type, file.subfolder, file.filename])
}

/** The chunks until `stop` says the attempt is over; then the download fails, which closes its connection. */
async function* until(chunks: AsyncIterable<Uint8Array>, stop: () => boolean): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    if (stop()) throw new Error('the attempt ended; the download is dropped')
    yield chunk
  }
}
