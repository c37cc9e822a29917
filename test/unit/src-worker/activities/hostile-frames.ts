/**
 * Mutations of real ComfyUI WebSocket frames, as a hostile or broken server might send them: fields of the
 * wrong type or missing, node ids that are Object.prototype members, huge and non-finite numbers, truncated
 * and bit-flipped text, binary previews with broken lengths or null metadata. Used by the tracker fuzz test.
 */
import type { Prng } from '../../../../bench/lib/prng'

export interface Frame {
  data: Buffer
  binary: boolean
}

const HOSTILE_VALUES: unknown[] = [
  null,
  5,
  -1,
  1e308,
  '',
  'constructor',
  '__proto__',
  'toString',
  [],
  [null],
  [5, {}],
  {},
  { constructor: 'done' },
  true,
  'x'.repeat(5_000),
]
const HOSTILE_IDS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype']

function mutateValue(value: unknown, prng: Prng): unknown {
  if (typeof value !== 'object' || value === null || prng.next() < 0.3) return prng.pick(HOSTILE_VALUES)
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  if (keys.length === 0) return prng.pick(HOSTILE_VALUES)
  const key = prng.pick(keys)
  // An array stays an array (indexed by string keys like any object), so its mutants are still lists.
  const out = (Array.isArray(value) ? [...(value as unknown[])] : { ...record }) as Record<string, unknown>
  const roll = prng.next()
  if (roll < 0.25) delete out[key]
  else if (roll < 0.4) out[prng.pick(HOSTILE_IDS)] = record[key]
  else out[key] = mutateValue(record[key], prng)
  return out
}

/** Replaces every node id of the message with a hostile one (a server keying its frames by them). */
function hostileIds(message: Record<string, unknown>, prng: Prng): Record<string, unknown> {
  const id = prng.pick(HOSTILE_IDS)
  const text = JSON.stringify(message).replace(/"(node|node_id|display_node)":"[^"]*"/g, `"$1":"${id}"`)
  return JSON.parse(text.replace(/"nodes":\[[^\]]*\]/g, `"nodes":["${id}"]`)) as Record<string, unknown>
}

function flipBits(bytes: Buffer, prng: Prng): Buffer {
  const out = Buffer.from(bytes)
  for (let i = prng.int(1, 6); i > 0 && out.length > 0; i--) {
    const at = prng.int(0, out.length - 1)
    out[at] = out[at]! ^ (1 << prng.int(0, 7))
  }
  return out
}

function mutateText(frame: Frame, prng: Prng): Frame {
  const roll = prng.next()
  if (roll < 0.1) return { ...frame, data: frame.data.subarray(0, prng.int(0, frame.data.length)) }
  if (roll < 0.2) return { ...frame, data: flipBits(frame.data, prng) }
  const message = JSON.parse(frame.data.toString('utf8')) as Record<string, unknown>
  const mutated = roll < 0.45 ? hostileIds(message, prng) : mutateValue(message, prng)
  return { ...frame, data: Buffer.from(JSON.stringify(mutated) ?? 'null') }
}

function mutateBinary(frame: Frame, prng: Prng): Frame {
  const roll = prng.next()
  if (roll < 0.3) return { ...frame, data: frame.data.subarray(0, prng.int(0, Math.min(12, frame.data.length))) }
  if (roll < 0.5) return { ...frame, data: flipBits(frame.data.subarray(0, 64), prng) }
  const meta = Buffer.from(JSON.stringify(prng.pick([null, 5, [], { image_type: 7 }, { node_id: {} }, 'x'])))
  const head = Buffer.alloc(8)
  head.writeUInt32BE(4, 0)
  head.writeUInt32BE(roll < 0.8 ? meta.length : 0xffffffff, 4)
  return { ...frame, data: Buffer.concat([head, meta, frame.data.subarray(8, 40)]) }
}

/** A copy of `frames` with some frames mutated, dropped, duplicated or reordered. */
export function mutateSequence(frames: readonly Frame[], prng: Prng): Frame[] {
  const out: Frame[] = []
  const rate = prng.pick([0.05, 0.2, 0.6])
  for (const frame of frames) {
    if (prng.next() < 0.03) continue
    out.push(prng.next() < rate ? (frame.binary ? mutateBinary(frame, prng) : mutateText(frame, prng)) : frame)
    if (prng.next() < 0.03) out.push(frame)
  }
  if (out.length > 1 && prng.next() < 0.2) {
    const i = prng.int(0, out.length - 1)
    const j = prng.int(0, out.length - 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}
