/**
 * Never trust a server about a prompt it was not given. A queue item or history entry counts as our
 * prompt only when it carries our graph: same node ids, class types and inputs. A server that answers
 * "success" for any id it is asked about (a hostile or confused server, or one whose address was taken
 * over) cannot know the graph, so it cannot complete another server's run.
 *
 * Values are compared loosely (as text), because ComfyUI coerces literals in place during validation
 * (e.g. "20" → 20, 8 → 8.0) and its queue and history show the coerced copy.
 */
import type { ApiPrompt } from '../../src-shared/contract/runs'
import { matchesStoredValue, storedValueHash } from '../../src-shared/storage/payload-refs'

/** The key of our marker in `extra_data`: an old server that makes its own prompt ids keeps it. */
export const PROMPT_MARKER = 'comfyfleet_prompt_id'

export function graphMatches(ours: ApiPrompt, theirs: unknown): boolean {
  if (typeof theirs !== 'object' || theirs === null || Array.isArray(theirs)) return false
  const other = theirs as Record<string, unknown>
  const ids = Object.keys(ours)
  if (ids.length !== Object.keys(other).length) return false
  return ids.every((id) => nodeMatches(ours[id], other[id]))
}

function nodeMatches(ours: ApiPrompt[string] | undefined, theirs: unknown): boolean {
  if (ours === undefined || typeof theirs !== 'object' || theirs === null) return false
  const node = theirs as { class_type?: unknown; inputs?: unknown }
  if (node.class_type !== ours.class_type) return false
  const inputs = (typeof node.inputs === 'object' && node.inputs !== null ? node.inputs : {}) as Record<string, unknown>
  return Object.entries(ours.inputs ?? {}).every(([name, value]) => sameValue(value, inputs[name]))
}

function sameValue(a: unknown, b: unknown): boolean {
  // A long string travelled as a reference to the payload store; the server holds the string itself.
  if (storedValueHash(a) !== null) return matchesStoredValue(a as string, b)
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
  }
  if (typeof a === 'object' && a !== null) return JSON.stringify(a) === JSON.stringify(b)
  if (typeof a === 'number' || typeof b === 'number') {
    const [x, y] = [Number(a), Number(b)]
    if (!Number.isNaN(x) && !Number.isNaN(y) && a !== '' && b !== '') return x === y
  }
  return String(a) === String(b)
}

/** The id under which a server holds the prompt we marked with `ourId` (queue first, then history), or null. */
export function idByMarker(
  queue: { queue_running: unknown[][]; queue_pending: unknown[][] },
  history: Record<string, { prompt?: unknown }>,
  ourId: string
): string | null {
  const item = [...queue.queue_running, ...queue.queue_pending].find((i) => markerOf(i) === ourId)
  if (item !== undefined && typeof item[1] === 'string') return item[1]
  const found = Object.entries(history).find(([, entry]) => markerOf(entry.prompt) === ourId)
  return found?.[0] ?? null
}

/** The marker an item's extra_data carries (queue item or history `prompt` tuple), if any. */
export function markerOf(tuple: unknown): string | null {
  if (!Array.isArray(tuple)) return null
  const extra: unknown = tuple[3]
  if (typeof extra !== 'object' || extra === null) return null
  const marker = (extra as Record<string, unknown>)[PROMPT_MARKER]
  return typeof marker === 'string' ? marker : null
}
