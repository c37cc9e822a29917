/**
 * What is posted to ComfyUI: the run's prompt and extra_pnginfo with every value that travelled through
 * Temporal by reference put back from the payload store (see src-shared/storage/payload-refs.ts).
 */
import type { ApiPrompt } from '../../src-shared/contract/runs'
import type { BlobStore } from '../../src-shared/storage/blob-store'
import { PayloadMissingError, resolveExtra, resolvePrompt } from '../../src-shared/storage/payload-refs'
import type { ExecuteInput } from '../shared'
import { unavailableFailure } from './failures'

export interface PostedPrompt {
  prompt: ApiPrompt
  extra_data: { extra_pnginfo?: Record<string, unknown> }
}

/**
 * A worker on another host without the app's data dir cannot resolve a reference: the attempt fails
 * retryably (the retry may land on the app's own worker, which can) with a message saying why.
 */
export function postedPrompt(input: ExecuteInput, payloads: BlobStore): PostedPrompt {
  try {
    const extra = resolveExtra(input.extraPnginfo, payloads)
    return {
      prompt: resolvePrompt(input.prompt, payloads),
      extra_data: extra === undefined ? {} : { extra_pnginfo: extra },
    }
  } catch (error) {
    if (error instanceof PayloadMissingError) throw unavailableFailure(error.message)
    throw error
  }
}
