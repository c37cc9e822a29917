/**
 * Generated and mutated workflow files for the intake fuzz test, each one something ComfyFleet must refuse
 * with a clear error: truncated and bit-flipped JSON and PNG, wrong JSON types where the structure needs
 * objects, links and strings, deep nesting, huge strings, unknown nodes, cycles, links to missing nodes,
 * and malformed request bodies. Mutants that might still be a valid workflow are discarded (a bit flip
 * inside a prompt's text is still a valid workflow), so every case has exactly one right answer: a 4xx.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import { encodePng } from '../../sim'
import type { Prng } from '../../bench/lib/prng'
import { txt2img } from '../../bench/lib/prompts'

/** A request body for POST /workflow/execute (raw text when the body itself is the fuzzed thing). */
export interface FuzzCase {
  kind: string
  body: string
}

const UI_DEFAULT = readFileSync(join(__dirname, '../fixtures/workflows/default-graph.json'), 'utf8')

const fileBody = (name: string, bytes: Buffer): string =>
  JSON.stringify({ file: { name, dataBase64: bytes.toString('base64') } })
const promptBody = (prompt: unknown): string => JSON.stringify({ workflow: prompt })

const notJson = (text: string): boolean => {
  try {
    JSON.parse(text)
    return false
  } catch {
    return true
  }
}

function flipBits(bytes: Buffer, prng: Prng, from = 0, to = bytes.length): Buffer {
  const out = Buffer.from(bytes)
  const flips = prng.int(1, 8)
  for (let i = 0; i < flips; i++) {
    const at = prng.int(from, to - 1)
    out[at] = out[at]! ^ (1 << prng.int(0, 7))
  }
  return out
}

/** A truncation or bit flip of JSON text that no longer parses. */
function brokenJson(text: string, prng: Prng, flip: boolean): string {
  for (let tries = 0; tries < 50; tries++) {
    const t = flip ? flipBits(Buffer.from(text), prng).toString('latin1') : text.slice(0, prng.int(1, text.length - 2))
    if (notJson(t)) return t
  }
  return text.slice(0, text.length - 1)
}

function pngWith(promptText: string): Buffer {
  return encodePng(4, 4, new Uint8Array(48).fill(128), [{ keyword: 'prompt', text: promptText }])
}

/** PNG whose only metadata is a `prompt` chunk whose JSON is broken (CRC valid or not). */
function brokenPng(prng: Prng): { name: string; bytes: Buffer; kind: string } {
  const text = JSON.stringify(txt2img({ seed: prng.int(0, 1e6) }))
  const variant = prng.int(0, 3)
  if (variant === 0) {
    const png = pngWith(text)
    // Cut before the end of the prompt chunk: the metadata is incomplete.
    const chunkEnd =
      png.indexOf(Buffer.from('IDAT')) > png.indexOf(Buffer.from('tEXt'))
        ? png.indexOf(Buffer.from('IDAT'))
        : png.length
    return { name: 'cut.png', bytes: png.subarray(0, prng.int(1, Math.max(2, chunkEnd - 5))), kind: 'png/truncated' }
  }
  if (variant === 1) {
    return { name: 'flipped.png', bytes: pngWith(brokenJson(text, prng, true)), kind: 'png/bit-flipped-text' }
  }
  if (variant === 2) {
    const png = pngWith(text)
    const at = png.indexOf(Buffer.from('tEXt')) + 4 + 'prompt'.length + 1
    // Flips inside the JSON text with the old CRC: corrupt and unparseable.
    for (let tries = 0; tries < 50; tries++) {
      const m = flipBits(png, prng, at, at + text.length)
      const inner = m.subarray(at, at + text.length).toString('latin1')
      if (notJson(inner)) return { name: 'crc.png', bytes: m, kind: 'png/bit-flipped-crc' }
    }
  }
  const png = pngWith(text)
  let bytes = flipBits(png, prng, 0, 8)
  // Flips can cancel out: a signature that is still valid would be a valid file.
  while (bytes.subarray(0, 8).equals(png.subarray(0, 8))) bytes = flipBits(png, prng, 0, 8)
  return { name: 'sig.png', bytes, kind: 'png/bit-flipped-signature' }
}

function deep(depth: number, open: string, close: string, inner: string): string {
  return open.repeat(depth) + inner + close.repeat(depth)
}

type Maker = (prng: Prng) => FuzzCase

const MAKERS: Maker[] = [
  (p) => ({
    kind: 'json/truncated-api',
    body: fileBody('api.json', Buffer.from(brokenJson(JSON.stringify(txt2img()), p, false))),
  }),
  (p) => ({ kind: 'json/truncated-ui', body: fileBody('ui.json', Buffer.from(brokenJson(UI_DEFAULT, p, false))) }),
  (p) => ({
    kind: 'json/bit-flipped-api',
    body: fileBody('api.json', Buffer.from(brokenJson(JSON.stringify(txt2img()), p, true), 'latin1')),
  }),
  (p) => ({
    kind: 'json/bit-flipped-ui',
    body: fileBody('ui.json', Buffer.from(brokenJson(UI_DEFAULT, p, true), 'latin1')),
  }),
  (p) => {
    const b = brokenPng(p)
    return { kind: b.kind, body: fileBody(b.name, b.bytes) }
  },
  (p) => ({
    kind: 'png/no-metadata',
    body: fileBody('plain.png', encodePng(2, 2, new Uint8Array(12).fill(p.int(0, 255)))),
  }),
  (p) => ({
    kind: 'bytes/random',
    body: fileBody(p.pick(['x.json', 'x.png', 'x.webp', 'x.txt']), randomBytes(p, p.int(0, 4096))),
  }),
  (p) => wrongType(p),
  (p) => ({
    kind: 'nesting/deep-json',
    body: fileBody('deep.json', Buffer.from(deep(p.int(200, 50_000), '[', ']', '1'))),
  }),
  (p) => ({ kind: 'nesting/deep-inputs', body: promptBody(deepInputs(p.int(150, 3000))) }),
  (p) => hugeString(p),
  (p) => {
    const prompt = txt2img()
    prompt[String(p.int(10, 99))] = { class_type: `NoSuchNode${p.int(0, 1e6)}`, inputs: { image: ['8', 0] } }
    return { kind: 'graph/unknown-node', body: promptBody(prompt) }
  },
  (p) => cycle(p),
  (p) => {
    const prompt = txt2img()
    const node = p.pick(['3', '6', '8', '9'])
    const input = Object.keys(prompt[node]!.inputs).find((k) => Array.isArray(prompt[node]!.inputs[k]))!
    prompt[node]!.inputs[input] = [String(p.int(100, 999)), 0]
    return { kind: 'graph/link-to-missing-node', body: promptBody(prompt) }
  },
  (p) => badRequest(p),
]

function randomBytes(p: Prng, n: number): Buffer {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = p.int(0, 255)
  // An accidental JSON object or PNG signature would be a different case; random bytes almost never are.
  if (n > 0 && b[0] === 0x7b) b[0] = 0
  return b
}

function wrongType(p: Prng): FuzzCase {
  const prompt = txt2img() as Record<string, unknown>
  const node = p.pick(['3', '4', '6', '8', '9'])
  const variants: Array<() => unknown> = [
    () => [prompt],
    () => p.int(0, 100),
    () => 'a prompt',
    () => null,
    () => ({ ...prompt, [node]: 'not a node' }),
    () => ({ ...prompt, [node]: { class_type: p.int(0, 9), inputs: {} } }),
    () => ({ ...prompt, [node]: { class_type: 'KSampler', inputs: [1, 2] } }),
    () => ({ ...prompt, [node]: { class_type: 'KSampler' } }),
    () => ({ ...prompt, [node]: { class_type: ['KSampler'], inputs: {} } }),
    () => ({ ...prompt, '9': { class_type: 'SaveImage', inputs: { images: ['8', 0, 1], filename_prefix: 'x' } } }),
    () => ({ ...prompt, '9': { class_type: 'SaveImage', inputs: { images: [{}, 0], filename_prefix: 'x' } } }),
    () => ({ ...prompt, '9': { class_type: 'SaveImage', inputs: { images: ['8', 'zero'], filename_prefix: 'x' } } }),
    () => ({}),
  ]
  const v = p.pick(variants)()
  return { kind: 'types/wrong-structure', body: promptBody(v) }
}

function deepInputs(depth: number): Record<string, unknown> {
  let v: unknown = 1
  for (let i = 0; i < depth; i++) v = { v }
  const prompt = txt2img() as Record<string, { class_type: string; inputs: Record<string, unknown> }>
  prompt['3']!.inputs.extra = v
  return prompt
}

function hugeString(p: Prng): FuzzCase {
  const big = 'x'.repeat(p.int(1, 8) * 1024 * 1024)
  const variant = p.int(0, 3)
  if (variant === 0) {
    const prompt = txt2img()
    prompt['10'] = { class_type: big, inputs: { images: ['8', 0] } }
    return { kind: 'huge/class-type', body: promptBody(prompt) }
  }
  if (variant === 1) return { kind: 'huge/not-json-file', body: fileBody('huge.json', Buffer.from(`{"a": "${big}`)) }
  if (variant === 2) {
    const prompt = txt2img()
    prompt['9']!.inputs.images = [big, 0]
    return { kind: 'huge/link-id', body: promptBody(prompt) }
  }
  return { kind: 'huge/file-name', body: JSON.stringify({ file: { name: `${big}.json`, dataBase64: '' } }) }
}

function cycle(p: Prng): FuzzCase {
  const prompt = txt2img()
  if (p.int(0, 1) === 0) {
    prompt['3']!.inputs.latent_image = ['3', 0]
  } else {
    // 3 → 8 → 10 → 3
    prompt['10'] = { class_type: 'VAEEncode', inputs: { pixels: ['8', 0], vae: ['4', 2] } }
    prompt['3']!.inputs.latent_image = ['10', 0]
  }
  return { kind: 'graph/cycle', body: promptBody(prompt) }
}

function badRequest(p: Prng): FuzzCase {
  const variants = [
    '',
    'null',
    '[]',
    '"workflow"',
    '{"workflow": ',
    JSON.stringify({}),
    JSON.stringify({ workflow: 5 }),
    JSON.stringify({ file: { name: 'a.json' } }),
    JSON.stringify({ file: { name: 'a.json', dataBase64: 12 } }),
    JSON.stringify({ files: [null] }),
    JSON.stringify({ workflow: txt2img(), count: -1 }),
    JSON.stringify({ workflow: txt2img(), count: 'many' }),
    JSON.stringify({ workflow: txt2img(), seeds: 'ten..one' }),
    JSON.stringify({ workflow: txt2img(), seeds: { from: 9, to: 1 } }),
    JSON.stringify({ file: { name: 'a.json', dataBase64: Buffer.from('').toString('base64') } }),
    deflateSync(Buffer.from(JSON.stringify({ workflow: txt2img() }))).toString('latin1'),
  ]
  return { kind: 'request/malformed', body: p.pick(variants) }
}

/** `count` cases, every maker in turn, reproducible from the PRNG's seed. */
export function fuzzCases(prng: Prng, count: number): FuzzCase[] {
  return Array.from({ length: count }, (_, i) => MAKERS[i % MAKERS.length]!(prng))
}
