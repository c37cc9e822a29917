import { describe, expect, it } from 'vitest'
import { intakeFile, intakeJson } from '../../../../src-main/intake'
import { INTAKE_ERRORS } from '../../../../src-shared/contract/intake'
import type { IntakeResult } from '../../../../src-shared/contract/intake'
import type { Result } from '../../../../src-shared/contract/result'
import {
  coreObjectInfo,
  expectErr,
  fixtureBytes,
  jsonBytes,
  options,
  workflowFixture,
} from '../../../helpers/intake-fixtures'
import { iTXt, makeExif, makePng, makeWebp, tEXt } from './image-builders'

const KNOWN_CODES = new Set<string>(Object.values(INTAKE_ERRORS))
const info = coreObjectInfo()

/** Mulberry32: a tiny seeded PRNG so every fuzz run is reproducible. */
function rng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Runs the intake and checks it answered with a Result (never a throw) and, on failure, a known code. */
function survive(bytes: Uint8Array, name = 'f'): Result<IntakeResult> {
  const result = intakeFile({ name, bytes }, { objectInfo: info })
  if (!result.ok) {
    expect(KNOWN_CODES.has(result.error.code), result.error.code).toBe(true)
    expect(result.error.message.length).toBeLessThan(2000)
  }
  return result
}

describe('intake robustness', () => {
  it('answers every truncation of a JSON workflow with a Result', () => {
    const bytes = fixtureBytes('constructed-v1-bypass-primitive.json')
    for (let cut = 0; cut < bytes.length; cut += 7) survive(bytes.subarray(0, cut))
  })

  it('answers bit-flipped JSON with a Result', () => {
    const random = rng(1)
    const original = fixtureBytes('default-graph.json')
    for (let i = 0; i < 400; i++) {
      const bytes = Buffer.from(original)
      for (let f = 0; f < 1 + Math.floor(random() * 4); f++) {
        const at = Math.floor(random() * bytes.length)
        bytes[at] = bytes[at]! ^ (1 << Math.floor(random() * 8))
      }
      survive(bytes)
    }
  })

  it('answers structurally mangled workflows (random subtrees replaced) with a Result', () => {
    const random = rng(2)
    const junk = [null, 0, -1, 1e308, '', 'x', [], {}, [null], { id: 'x' }, true, [1, 2, 3, 4, 5, 6]]
    for (let i = 0; i < 300; i++) {
      const wf = workflowFixture(i % 2 ? 'default-graph.json' : 'constructed-subgraph.json')
      for (let m = 0; m < 3; m++) mutate(wf, random, junk)
      const result = intakeJson(wf, 'mangled.json', { objectInfo: info })
      if (!result.ok) expect(KNOWN_CODES.has(result.error.code), result.error.code).toBe(true)
    }
  })

  it('answers every truncation and random bit flips of a PNG with a Result', () => {
    const png = makePng([
      tEXt('prompt', JSON.stringify(workflowFixture('basic-api-example.api.json'))),
      iTXt('workflow', JSON.stringify(workflowFixture('default-graph.json')), true),
    ])
    for (let cut = 0; cut < png.length; cut += 3) {
      const result = survive(png.subarray(0, cut), 'cut.png')
      if (cut >= 8) expect(result.ok).toBe(false)
    }
    const random = rng(3)
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(png)
      const at = 8 + Math.floor(random() * (bytes.length - 8))
      bytes[at] = bytes[at]! ^ (1 << Math.floor(random() * 8))
      const result = survive(bytes, 'flip.png')
      // Every byte after the signature is covered by a length, a type or a CRC: a flip never goes unnoticed.
      expect(result.ok).toBe(false)
    }
  })

  it('answers every truncation and random bit flips of a WebP with a Result', () => {
    const exif = makeExif([[0x0110, `prompt:${JSON.stringify(workflowFixture('basic-api-example.api.json'))}`]])
    const webp = makeWebp(exif)
    for (let cut = 0; cut < webp.length; cut += 5) survive(webp.subarray(0, cut), 'cut.webp')
    const random = rng(4)
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(webp)
      const at = Math.floor(random() * bytes.length)
      bytes[at] = bytes[at]! ^ (1 << Math.floor(random() * 8))
      survive(bytes, 'flip.webp')
    }
  })

  it('refuses absurdly deep nesting without overflowing the stack', () => {
    const depth = 200_000
    const arrays = Buffer.from('['.repeat(depth) + ']'.repeat(depth))
    expect(['intake/too-deep', 'intake/not-json']).toContain(
      expectErr(intakeFile({ name: 'd', bytes: arrays }, options())).code
    )
    const objects = Buffer.from('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))
    expect(['intake/too-deep', 'intake/not-json']).toContain(
      expectErr(intakeFile({ name: 'd', bytes: objects }, options())).code
    )
    const inPng = makePng([tEXt('prompt', '['.repeat(5000) + ']'.repeat(5000))])
    expect(expectErr(intakeFile({ name: 'd.png', bytes: inPng }, options())).code).toBe('intake/too-deep')
  })

  it('takes huge strings in stride and keeps error messages short', () => {
    const wf = workflowFixture('default-graph.json')
    const nodes = wf.nodes as Array<Record<string, unknown>>
    const big = 'x'.repeat(20 * 1024 * 1024)
    nodes.find((n) => n.id === 6)!.widgets_values = [big]
    const result = survive(jsonBytes(wf))
    expect(result.ok && result.value.prompt['6']!.inputs.text === big).toBe(true)
    const hugeKey = jsonBytes({ ['k'.repeat(1_000_000)]: { class_type: 'X' } })
    expect(survive(hugeKey).ok).toBe(false)
    const hugeId = jsonBytes({ ['n'.repeat(1_000_000)]: { class_type: 'SaveImage', inputs: { images: ['zz', 0] } } })
    expect(expectErr(intakeFile({ name: 'f', bytes: hugeId }, options())).message.length).toBeLessThan(300)
  })

  it('refuses a subgraph that contains itself instead of expanding forever', () => {
    const wf = workflowFixture('constructed-subgraph.json')
    const def = ((wf.definitions as Record<string, unknown>).subgraphs as Array<Record<string, unknown>>)[0]!
    ;(def.nodes as unknown[]).push({ id: 9, type: def.id, mode: 0, inputs: [], outputs: [] })
    expect(expectErr(intakeJson(wf, 'loop.json', options())).code).toBe('intake/cycle')
  })

  it('follows a long chain of reroutes', () => {
    const count = 2000
    const nodes: unknown[] = [
      { id: 1, type: 'EmptyImage', outputs: [{ name: 'IMAGE', type: 'IMAGE' }], widgets_values: [8, 8, 1, 0] },
    ]
    const links: unknown[] = []
    for (let i = 0; i < count; i++) {
      nodes.push({
        id: 100 + i,
        type: 'Reroute',
        inputs: [{ name: '', type: '*', link: i + 1 }],
        outputs: [{ name: '', type: '*' }],
      })
      links.push([i + 1, i === 0 ? 1 : 100 + i - 1, 0, 100 + i, 0, '*'])
    }
    nodes.push({ id: 2, type: 'PreviewImage', inputs: [{ name: 'images', type: 'IMAGE', link: count + 1 }] })
    links.push([count + 1, 100 + count - 1, 0, 2, 0, 'IMAGE'])
    const result = intakeJson({ nodes, links }, 'chain.json', options())
    expect(result.ok && result.value.prompt['2']!.inputs.images).toEqual(['1', 0])
  })
})

function mutate(value: Record<string, unknown>, random: () => number, junk: unknown[]): void {
  let node: unknown = value
  for (let depth = 0; depth < 6; depth++) {
    const keys = node !== null && typeof node === 'object' ? Object.keys(node) : []
    if (keys.length === 0) return
    const key = keys[Math.floor(random() * keys.length)]!
    const container = node as Record<string, unknown>
    if (random() < 0.3 || depth === 5) {
      container[key] = structuredClone(junk[Math.floor(random() * junk.length)])
      return
    }
    node = container[key]
  }
}
