import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { INLINE_OUTPUTS, INLINE_VALUE_BYTES } from '../../../../src-shared/contract/limits'
import type { ApiPrompt, OutputRef } from '../../../../src-shared/contract/runs'
import { BlobStore } from '../../../../src-shared/storage/blob-store'
import {
  boundOutputs,
  externalizeExtra,
  externalizePrompt,
  PayloadMissingError,
  resolveExtra,
  resolveOutputs,
  resolvePrompt,
} from '../../../../src-shared/storage/payload-refs'

const store = (): BlobStore => new BlobStore(mkdtempSync(join(tmpdir(), 'payloads-')))

const prompt = (text: string): ApiPrompt => ({
  '1': { class_type: 'LoadImageBase64', inputs: { image: text, seed: 7, link: ['2', 0] } },
  '2': { class_type: 'Other', inputs: { short: 'kept as is' }, _meta: { title: 'T' } },
})

describe('payload references', () => {
  it('a small prompt and extra_pnginfo are carried unchanged', () => {
    const s = store()
    const p = prompt('small')
    expect(externalizePrompt(p, s)).toEqual(p)
    expect(externalizeExtra({ workflow: { nodes: [] } }, s)).toEqual({ workflow: { nodes: [] } })
  })

  it('long string inputs and a large UI workflow go by hash, and come back byte for byte', () => {
    const s = store()
    const big = 'é'.repeat(INLINE_VALUE_BYTES)
    const p = prompt(big)
    const carried = externalizePrompt(p, s)
    expect(JSON.stringify(carried).length).toBeLessThan(1_000)
    expect(carried['1']!.inputs.seed).toBe(7)
    expect(carried['1']!.inputs.link).toEqual(['2', 0])
    const extra = { workflow: { note: big } }
    const ref = externalizeExtra(extra, s)!
    expect(JSON.stringify(ref).length).toBeLessThan(200)
    expect(resolvePrompt(carried, s)).toEqual(p)
    expect(resolveExtra(ref, s)).toEqual(extra)
  })

  it('a reference this host cannot resolve is an error that says so', () => {
    const carried = externalizePrompt(prompt('x'.repeat(INLINE_VALUE_BYTES + 1)), store())
    expect(() => resolvePrompt(carried, store())).toThrow(PayloadMissingError)
    expect(() => resolvePrompt(carried, store())).toThrow(/does not share the app's data dir/)
  })

  it('a long outputs list becomes a preview, a count and a reference to the whole list', () => {
    const s = store()
    const outputs: OutputRef[] = Array.from({ length: 8000 }, (_, i) => ({
      hash: i.toString(16).padStart(64, '0'),
      nodeId: '9',
      filename: `frame_${i}.png`,
      subfolder: '',
      type: 'output',
      format: 'png',
      width: 8,
      height: 8,
      bytes: 100,
    }))
    const bounded = boundOutputs(outputs, s)
    expect(bounded.outputs).toHaveLength(INLINE_OUTPUTS)
    expect(bounded.outputCount).toBe(8000)
    expect(resolveOutputs(bounded.outputsRef!, s)).toEqual(outputs)
    expect(boundOutputs(outputs.slice(0, 3), s)).toEqual({ outputs: outputs.slice(0, 3) })
  })
})
