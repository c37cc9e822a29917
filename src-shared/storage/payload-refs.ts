/**
 * Large data kept out of Temporal payloads by content hash. A run's prompt keeps its structure (node
 * ids, class types, seeds: what the workflows read), but any string input over INLINE_VALUE_BYTES is
 * replaced by a marker naming its sha256; a large extra_pnginfo becomes `{ [REF_KEY]: hash }`. The
 * bytes live in the payload store (`<dataDir>/payloads`), which main and a local worker share; the
 * execute activity puts the values back just before it posts the prompt to ComfyUI.
 *
 * The markers are in-band on purpose: workflow code and recorded histories keep their shapes, and an
 * input that carries no large value is byte for byte what it was.
 */
import { createHash } from 'node:crypto'
import type { ApiPrompt, OutputRef } from '../contract/runs'
import { INLINE_EXTRA_BYTES, INLINE_OUTPUTS, INLINE_VALUE_BYTES } from '../contract/limits'
import type { BlobStore } from './blob-store'

const MARKER_PREFIX = 'comfyfleet-blob:sha256:'
const MARKER_RE = /^comfyfleet-blob:sha256:([0-9a-f]{64})$/
/** The one key of an extra_pnginfo (or an outputs list) stored by reference. */
export const REF_KEY = 'comfyfleet_payload_sha256'

/** A reference the worker cannot resolve: this host does not have the payload store's file. */
export class PayloadMissingError extends Error {
  override name = 'PayloadMissingError'
}

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8')

/** The prompt with every long string input stored and replaced by its marker. */
export function externalizePrompt(prompt: ApiPrompt, store: BlobStore): ApiPrompt {
  const out: ApiPrompt = {}
  for (const [id, node] of Object.entries(prompt)) {
    const inputs: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(node.inputs)) {
      inputs[name] =
        typeof value === 'string' && byteLength(value) > INLINE_VALUE_BYTES
          ? MARKER_PREFIX + store.put(Buffer.from(value, 'utf8'), 'txt')
          : value
    }
    out[id] = { ...node, inputs }
  }
  return out
}

/** extra_pnginfo inline when small, else a reference to its JSON. */
export function externalizeExtra(
  extra: Record<string, unknown> | undefined,
  store: BlobStore
): Record<string, unknown> | undefined {
  if (extra === undefined) return undefined
  const json = JSON.stringify(extra)
  if (byteLength(json) <= INLINE_EXTRA_BYTES) return extra
  return { [REF_KEY]: store.put(Buffer.from(json, 'utf8'), 'json') }
}

/** The sha256 a prompt input's marker names, or null when the value is not a marker. */
export function storedValueHash(value: unknown): string | null {
  return typeof value === 'string' ? (MARKER_RE.exec(value)?.[1] ?? null) : null
}

/** Whether `value` is the string a marker stands for (same sha256 of its UTF-8 bytes). */
export function matchesStoredValue(marker: string, value: unknown): boolean {
  const hash = storedValueHash(marker)
  return hash !== null && typeof value === 'string' && createHash('sha256').update(value, 'utf8').digest('hex') === hash
}

/** The prompt as the user sent it (every marker replaced by its stored string). */
export function resolvePrompt(prompt: ApiPrompt, store: BlobStore): ApiPrompt {
  const out: ApiPrompt = {}
  for (const [id, node] of Object.entries(prompt)) {
    const inputs: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(node.inputs)) {
      const hash = typeof value === 'string' ? MARKER_RE.exec(value)?.[1] : undefined
      inputs[name] = hash === undefined ? value : read(store, hash, 'txt').toString('utf8')
    }
    out[id] = { ...node, inputs }
  }
  return out
}

/** extra_pnginfo as the user sent it. */
export function resolveExtra(
  extra: Record<string, unknown> | undefined,
  store: BlobStore
): Record<string, unknown> | undefined {
  const hash = refOf(extra)
  if (hash === null) return extra
  return JSON.parse(read(store, hash, 'json').toString('utf8')) as Record<string, unknown>
}

/**
 * A run's outputs for its result: the list itself when short, else the first INLINE_OUTPUTS as a
 * preview plus the count and a reference to the full list (8,000 frames would exceed the 2 MB limit).
 */
export function boundOutputs(
  outputs: OutputRef[],
  store: BlobStore
): { outputs: OutputRef[]; outputCount?: number; outputsRef?: string } {
  if (outputs.length <= INLINE_OUTPUTS) return { outputs }
  const hash = store.put(Buffer.from(JSON.stringify(outputs), 'utf8'), 'json')
  return { outputs: outputs.slice(0, INLINE_OUTPUTS), outputCount: outputs.length, outputsRef: hash }
}

/** The full outputs list of a result that carries a reference. */
export function resolveOutputs(hash: string, store: BlobStore): OutputRef[] {
  return JSON.parse(read(store, hash, 'json').toString('utf8')) as OutputRef[]
}

function refOf(extra: Record<string, unknown> | undefined): string | null {
  if (extra === undefined) return null
  const keys = Object.keys(extra)
  const hash = extra[REF_KEY]
  return keys.length === 1 && typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) ? hash : null
}

function read(store: BlobStore, hash: string, ext: string): Buffer {
  if (!store.has(hash, ext))
    throw new PayloadMissingError(
      `payload ${hash.slice(0, 12)}… (.${ext}) is not in ${store.root}: this worker does not share the app's data dir`
    )
  return store.read(hash, ext)
}
