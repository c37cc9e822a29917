/**
 * Output files fetched while the prompt is still finishing, so the authoritative GET /history is not
 * followed by a second round of GET /view on every run's path.
 *
 * ComfyUI names a node's files in its `executed` message as soon as they are saved; history is written
 * only after the whole prompt ends (protocol §7.4). Each file named there is downloaded at once into
 * memory, and nothing more: only history decides what the run's outputs are (storeOutputs takes a
 * prefetched file when history names it, fetches any other itself, and never sees one history does not
 * name), so a hostile or confused server's `executed` messages change nothing but the timing. Nothing is
 * written to the store before history confirms it: a file the run did not keep leaves no orphan blob.
 */
import type { ComfyHttpClient, Download } from '../../src-shared/comfy/http-client'
import type { ImageRef, NodeOutput } from '../../src-shared/comfy/types'
import { SPILL_BYTES } from '../../src-shared/storage/blob-store'
import { fileRefs } from './outputs'

/**
 * What one run may hold in prefetched files at a time. The confirmed path stores one file at a time, so it
 * never held more than one file's SPILL_BYTES; a node saving a batch of large images must not hold them all
 * at once in a worker whose heap is sized for many runs (the files past the budget are fetched the old way).
 */
export const PREFETCH_BUDGET_BYTES = 4 * SPILL_BYTES

export class OutputPrefetch {
  /** Settled downloads never reject: a failed one is null, and the confirmed path fetches that file itself. */
  private readonly files = new Map<string, Promise<(Download & { bytes: number }) | null>>()
  /** Bytes held by downloads done or under way and not yet taken. */
  private held = 0

  constructor(readonly client: Pick<ComfyHttpClient, 'address' | 'view'>) {}

  /** Starts downloading the files one `executed` message names (each file once). */
  start(output: NodeOutput | null): void {
    if (output === null) return
    for (const file of fileRefs(output)) {
      const key = keyOf(file)
      if (!this.files.has(key)) this.files.set(key, this.fetch(file))
    }
  }

  /** The prefetched file, once, or null when it was not prefetched or its download did not succeed. */
  async take(file: ImageRef): Promise<Download | null> {
    const key = keyOf(file)
    const download = this.files.get(key)
    if (download === undefined) return null
    this.files.delete(key)
    const taken = await download
    if (taken !== null) this.held -= taken.bytes
    return taken
  }

  /**
   * Holds the file in memory up to the size the store itself would hold (a larger one, a video, is
   * left to the confirmed path, which streams it to disk). Any failure is left to the confirmed path too,
   * which reports it exactly as before (404: missing outputs, refused: the run fails naming the file).
   */
  private async fetch(file: ImageRef): Promise<(Download & { bytes: number }) | null> {
    let bytes = 0
    try {
      const { contentType, chunks } = await this.client.view(file)
      const held: Uint8Array[] = []
      for await (const chunk of chunks) {
        held.push(chunk)
        bytes += chunk.byteLength
        this.held += chunk.byteLength
        if (bytes > SPILL_BYTES || this.held > PREFETCH_BUDGET_BYTES) throw new Error('left to the confirmed path')
      }
      return { contentType, chunks: replay(held), bytes }
    } catch {
      this.held -= bytes
      return null
    }
  }
}

function keyOf(file: ImageRef): string {
  return JSON.stringify([file.type, file.subfolder, file.filename])
}

async function* replay(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  // A generator must await something for the linter; the chunks are all here already.
  for (const chunk of chunks) yield await Promise.resolve(chunk)
}
