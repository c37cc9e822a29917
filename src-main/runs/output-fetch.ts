/**
 * Brings a finished run's output files into the desktop's image store when a worker on another host
 * ran it: there is no shared disk, and Temporal carries only the outputs' names and hashes. The bytes
 * come from the ComfyUI server's /view at the address recorded in the run's result (its placement);
 * a file is kept only when its bytes hash to the name the worker recorded, so a wrong or hostile
 * address can never put other bytes under an output's name.
 */
import { ComfyHttpClient } from '../../src-shared/comfy/http-client'
import { err, ok, type Result } from '../../src-shared/contract/result'
import type { OutputRef } from '../../src-shared/contract/runs'
import type { ImageStore } from '../cache/image-store'

/** How many outputs were fetched, or why one could not be. */
export async function fetchMissingOutputs(
  images: ImageStore,
  serverAddress: string | null,
  outputs: readonly OutputRef[]
): Promise<Result<number>> {
  const missing = outputs.filter((o) => !images.hasImage(o.hash, o.format))
  if (missing.length === 0) return ok(0)
  if (serverAddress === null || !/^https?:\/\//.test(serverAddress)) {
    return err(
      'runs/outputs-unreachable',
      `${missing.length} output(s) are not in the image store and the run's server address is unknown.`
    )
  }
  const client = new ComfyHttpClient(serverAddress)
  for (const output of missing) {
    let hash: string
    try {
      // Streamed into the store (the client caps size and silence), so a large video never sits in memory.
      hash = (await images.blobs.putStream((await client.view(output)).chunks, output.format)).hash
    } catch (error) {
      return err(
        'runs/outputs-unreachable',
        `Output ${output.filename} of node ${output.nodeId} could not be fetched from ${serverAddress}: ${(error as Error).message}`
      )
    }
    // Stored under its own hash, never under the output's name: other bytes cannot pose as the output.
    if (hash !== output.hash) {
      return err(
        'runs/output-mismatch',
        `Output ${output.filename} of node ${output.nodeId} on ${serverAddress} is not the file the run produced (sha256 ${hash}, expected ${output.hash}).`
      )
    }
  }
  return ok(missing.length)
}
