/** Expands a batch sweep into the prompt of its i-th run (pure, deterministic: workflows call it). */
import type { ApiPrompt } from '../../src-shared/contract/runs'
import { applyUnchecked, gridEditsAt, gridSize } from '../../src-shared/comfy/input-edits'
import { setPromptSeeds } from '../../src-shared/comfy/seed-edit'
import type { BatchSweep } from '../shared'

export function sweepSize(sweep: BatchSweep): number {
  switch (sweep.kind) {
    case 'count':
      return Math.max(0, Math.floor(sweep.count))
    case 'seeds':
      return Math.max(0, Math.floor(sweep.to) - Math.floor(sweep.from) + 1)
    case 'values':
      return sweep.values.length
    case 'prompts':
      return sweep.prompts.length
    case 'grid':
      return gridSize(sweep.axes)
  }
}

/** The prompt of run `index`; `batchId` makes `count` seeds stable across replays and continue-as-new. */
export function promptAt(base: ApiPrompt, sweep: BatchSweep, index: number, batchId: string): ApiPrompt {
  switch (sweep.kind) {
    case 'prompts':
      return sweep.prompts[index] ?? base
    case 'values':
      return setInput(base, sweep.nodeId, sweep.inputName, sweep.values[index])
    case 'seeds': {
      const seed = Math.floor(sweep.from) + index
      if (sweep.nodeId !== undefined) return setInput(base, sweep.nodeId, sweep.inputName ?? 'seed', seed)
      return setSeeds(base, seed)
    }
    case 'count':
      return setSeeds(base, hashSeed(`${batchId}:${index}`))
    case 'grid':
      return applyUnchecked(base, gridEditsAt(sweep.axes, index))
  }
}

function setInput(base: ApiPrompt, nodeId: string, inputName: string, value: unknown): ApiPrompt {
  const prompt = JSON.parse(JSON.stringify(base)) as ApiPrompt
  const node = prompt[nodeId]
  if (node !== undefined) node.inputs[inputName] = value
  return prompt
}

/** Sets every seed, a linked one at its source (the shared editor: one rule for intake and workflows). */
function setSeeds(base: ApiPrompt, seed: number): ApiPrompt {
  return setPromptSeeds(base, seed).prompt
}

/** FNV-1a over the key, widened to 48 bits: a fresh-looking seed without workflow randomness. */
function hashSeed(key: string): number {
  let h = 0x811c9dc5
  let g = 0x01000193
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0
    g = Math.imul(g ^ key.charCodeAt(i), 0x85ebca6b) >>> 0
  }
  return (g & 0xffff) * 0x100000000 + h
}
