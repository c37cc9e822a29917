/**
 * A finished prompt whose output files are gone from the server. ComfyUI answers an identical prompt from its
 * cache with the earlier file names (protocol §4: "a fully cached rerun still lists the earlier files"), so
 * when those files were cleaned from disk, /view answers 404 however often the output is fetched. The run
 * must still produce its result, so the prompt runs again with the cache defeated for exactly the nodes whose
 * files are missing: their `filename_prefix` gets the run's own suffix, which changes their cache signature
 * (only they run again, from their cached inputs: no sampling is repeated) and gives the new files new names.
 * A missing output from a node without a `filename_prefix` (PreviewImage's temp files) needs ComfyUI's cache
 * reset (`POST /free`), which costs every user of that server their cache, so it is used only then.
 */
import type { ApiPrompt } from '../../src-shared/contract/runs'
import { own } from '../../src-shared/runs/node-states'

/** Output files /view answered 404 for, by the node that listed them. */
export class MissingOutputs extends Error {
  constructor(readonly files: { nodeId: string; filename: string }[]) {
    super(`the server no longer has ${files.map((f) => `${f.filename} (node ${f.nodeId})`).join(', ')}`)
    this.name = 'MissingOutputs'
  }
}

export interface FreshPrompt {
  prompt: ApiPrompt
  /** Some missing output cannot be renamed: the server's cache must be reset before the prompt is posted. */
  needsFree: boolean
}

export function freshPrompt(prompt: ApiPrompt, missing: MissingOutputs, promptId: string): FreshPrompt {
  const out: ApiPrompt = { ...prompt }
  let needsFree = false
  const suffix = `_${promptId.replace(/[^0-9a-f]/gi, '').slice(0, 8)}`
  for (const nodeId of new Set(missing.files.map((f) => f.nodeId))) {
    const node = own(out, nodeId)
    const prefix = node?.inputs.filename_prefix
    if (node === undefined || typeof prefix !== 'string') {
      needsFree = true
      continue
    }
    out[nodeId] = { ...node, inputs: { ...node.inputs, filename_prefix: `${prefix}${suffix}` } }
  }
  return { prompt: out, needsFree }
}
