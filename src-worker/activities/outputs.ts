/**
 * Copies a finished prompt's output images from the server (/view) into the content-addressed store
 * and describes them. Any node output list whose items look like `{filename, subfolder, type}` counts
 * (SaveImage/PreviewImage `images`, video nodes' `gifs`, …). Bytes never leave the worker, and are streamed
 * to disk as they arrive (a large video costs no memory); a refused answer (too large, a redirect) fails the run.
 */
import type { OutputRef } from '../../src-shared/contract/runs'
import type { ComfyHttpClient } from '../../src-shared/comfy/http-client'
import { imageSize } from '../../src-shared/comfy/png-size'
import { extensionOfMime } from '../../src-shared/media/mime-types'
import type { ImageRef, NodeOutput } from '../../src-shared/comfy/types'
import type { BlobStore, StreamedBlob } from '../../src-shared/storage/blob-store'
import { ComfyHttpError, ComfyRefusedAnswer } from '../../src-shared/comfy/errors'
import { MissingOutputs } from './fresh-prompt'
import { refusedOutputFailure } from './failures'
import type { PrefetchedFile } from './output-prefetch'

/** A file already downloaded for this prompt (see output-prefetch.ts), or null to fetch it now. */
export type Prefetched = (file: ImageRef) => Promise<PrefetchedFile | null>

export async function storeOutputs(
  client: ComfyHttpClient,
  blobs: BlobStore,
  outputs: Record<string, NodeOutput>,
  prefetched: Prefetched = () => Promise.resolve(null)
): Promise<OutputRef[]> {
  const refs: OutputRef[] = []
  const missing: { nodeId: string; filename: string }[] = []
  for (const [nodeId, output] of Object.entries(outputs)) {
    for (const file of fileRefs(output)) {
      const stored = await download(client, blobs, file, prefetched)
      if (stored === null) {
        missing.push({ nodeId, filename: file.filename })
        continue
      }
      const { hash, bytes, head, format } = stored
      const size = imageSize(head)
      refs.push({
        hash,
        nodeId,
        filename: file.filename,
        subfolder: file.subfolder,
        type: file.type,
        format,
        width: size?.width ?? null,
        height: size?.height ?? null,
        bytes,
      })
    }
  }
  if (missing.length > 0) throw new MissingOutputs(missing)
  return refs
}

/**
 * One file from /view into the store; null when the server no longer has it (404). A refused answer fails
 * the run at once, naming the file.
 */
async function download(
  client: ComfyHttpClient,
  blobs: BlobStore,
  file: ImageRef,
  prefetched: Prefetched
): Promise<(StreamedBlob & { format: string }) | null> {
  try {
    const { contentType, staged } = (await prefetched(file)) ?? (await fetchNow(client, blobs, file))
    const format = extensionOf(file.filename, contentType)
    return { ...blobs.commit(staged, format), format }
  } catch (error) {
    if (error instanceof ComfyRefusedAnswer) throw refusedOutputFailure(file.filename, error.message)
    if (error instanceof ComfyHttpError && error.status === 404) return null
    throw error
  }
}

/** A file no early download holds, fetched now and staged the same way. */
async function fetchNow(client: ComfyHttpClient, blobs: BlobStore, file: ImageRef): Promise<PrefetchedFile> {
  const { chunks, contentType } = await client.view(file)
  return { contentType, staged: await blobs.stage(chunks) }
}

/**
 * Each node's output reduced to the files it names: what a later attempt needs to fetch them (the heartbeat
 * keeps it), without UI values of any size (a 3 MB text output, a custom node's JSON).
 */
export function fileOutputs(outputs: Record<string, NodeOutput>): Record<string, NodeOutput> {
  return Object.fromEntries(Object.entries(outputs).map(([nodeId, output]) => [nodeId, { files: fileRefs(output) }]))
}

/** The files a node output names (any list of `{filename, subfolder, type}` items). */
export function fileRefs(output: NodeOutput): ImageRef[] {
  const refs: ImageRef[] = []
  for (const value of Object.values(output)) {
    if (!Array.isArray(value)) continue
    for (const item of value) {
      if (typeof item !== 'object' || item === null) continue
      const { filename, subfolder, type } = item as Partial<ImageRef>
      if (typeof filename !== 'string' || filename === '') continue
      if (type !== 'output' && type !== 'temp' && type !== 'input') continue
      refs.push({ filename, subfolder: typeof subfolder === 'string' ? subfolder : '', type })
    }
  }
  return refs
}

/** The store's extension: from the file name when it is a plain one, else from the content type. */
function extensionOf(filename: string, contentType: string): string {
  const match = /\.([A-Za-z0-9]{1,8})$/.exec(filename)
  if (match?.[1] !== undefined) return match[1].toLowerCase()
  return extensionOfMime(contentType) ?? 'bin'
}
