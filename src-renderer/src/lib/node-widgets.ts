/**
 * The widget values a node card shows (seed, steps, cfg, sampler, model, prompt…), as ComfyUI shows them
 * on its nodes: literal inputs only (links are drawn as edges), shortened to fit a card.
 */
import type { ApiNode } from '../../../src-shared/contract'
import { commonInputRank } from '../../../src-shared/comfy/common-inputs'
import { isLink } from '../../../src-shared/comfy/input-edits'

/** At most this many values per card; a node with more shows "+n more". */
export const MAX_WIDGETS = 4
const MAX_CHARS = 38

function shorten(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim()
  return one.length > MAX_CHARS ? `${one.slice(0, MAX_CHARS - 1)}…` : one
}

function show(value: unknown): string | null {
  if (typeof value === 'string') return shorten(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return null
}

/** `name: value` lines for a node's literal inputs, the most looked-for first, then in the node's order. */
export function nodeWidgets(node: ApiNode | undefined): string[] {
  if (!node) return []
  const lines: string[] = []
  let hidden = 0
  const entries = Object.entries(node.inputs ?? {})
  // A stable sort: inputs of equal rank keep the node's own order.
  entries.sort(([a], [b]) => commonInputRank(a) - commonInputRank(b))
  for (const [name, value] of entries) {
    if (isLink(value)) continue
    const text = show(value)
    if (text === null) continue
    if (lines.length < MAX_WIDGETS) lines.push(`${name}: ${text}`)
    else hidden++
  }
  if (hidden > 0) lines.push(`+${hidden} more`)
  return lines
}
