import { describe, expect, test } from 'vitest'
import type { EditableField } from '../../../../../src-shared/contract'
import { parseFieldValue, parseVaryValues } from '../../../../../src-renderer/src/lib/field-value'
import { buildEdits, problemsByField } from '../../../../../src-renderer/src/lib/sheet-edits'

const field = (over: Partial<EditableField>): EditableField => ({
  nodeId: '3',
  nodeTitle: 'KSampler',
  classType: 'KSampler',
  input: 'cfg',
  kind: 'float',
  value: 8,
  common: true,
  ...over,
})

const cfg = field({ min: 0, max: 100 })
const seed = field({ input: 'seed', kind: 'int', value: 1, min: 0 })
const ckpt = field({ nodeId: '4', input: 'ckpt_name', kind: 'combo', value: 'a.ckpt', options: ['a.ckpt', 'b.ckpt'] })
const text = field({ nodeId: '6', input: 'text', kind: 'string', value: 'cat', multiline: true })

describe('field values', () => {
  test('numbers are checked like ComfyUI: whole for INT, within min/max', () => {
    expect(parseFieldValue(cfg, ' 7.5 ')).toEqual({ ok: true, value: 7.5 })
    expect(parseFieldValue(seed, '1.5')).toEqual({ ok: false, error: '1.5 is not a whole number' })
    expect(parseFieldValue(cfg, '101')).toEqual({ ok: false, error: '101 is bigger than the maximum 100' })
    expect(parseFieldValue(cfg, 'x')).toMatchObject({ ok: false, error: '"x" is not a number' })
    expect(parseFieldValue(ckpt, 'c.ckpt')).toMatchObject({ ok: false })
  })

  test('varied numbers take lists and inclusive ranges with a step; text takes one value per line', () => {
    expect(parseVaryValues(seed, '1..3, 10')).toEqual({ ok: true, values: [1, 2, 3, 10] })
    expect(parseVaryValues(cfg, '0.1..0.3 step 0.1')).toEqual({ ok: true, values: [0.1, 0.2, 0.3] })
    expect(parseVaryValues(text, 'a cat, sitting\na dog\n')).toEqual({ ok: true, values: ['a cat, sitting', 'a dog'] })
    expect(parseVaryValues(cfg, '5, 500')).toEqual({ ok: false, error: '500: 500 is bigger than the maximum 100' })
    expect(parseVaryValues(seed, '5..1')).toMatchObject({ ok: false, error: '5..1: the range must go up (from ≤ to)' })
    expect(parseVaryValues(seed, '')).toMatchObject({ ok: false })
    expect(parseVaryValues(seed, '0..100000')).toMatchObject({ ok: false })
  })
})

describe('buildEdits', () => {
  test('only touched fields become edits; vary makes axes; random gives a fresh seed', () => {
    const out = buildEdits([cfg, seed, ckpt, text], {
      '3/cfg': { mode: 'vary', text: '8', varyText: '5, 7' },
      '3/seed': { mode: 'random', text: '1', varyText: '' },
      '4/ckpt_name': { mode: 'fixed', text: 'b.ckpt', varyText: '' },
      '6/text': { mode: 'fixed', text: 'cat', varyText: '' },
    })
    expect(out.errors).toEqual({})
    expect(out.axes).toEqual([{ nodeId: '3', input: 'cfg', values: [5, 7] }])
    expect(out.edits).toContainEqual({ nodeId: '4', input: 'ckpt_name', value: 'b.ckpt' })
    expect(out.edits.find((e) => e.input === 'seed')?.value).toEqual(expect.any(Number))
    expect(out.edits.some((e) => e.input === 'text')).toBe(false)
    expect(out.remember).toEqual([{ classType: 'KSampler', input: 'ckpt_name', text: 'b.ckpt' }])
  })

  test('a field that cannot be read is reported under its key', () => {
    const out = buildEdits([cfg], { '3/cfg': { mode: 'fixed', text: '-1', varyText: '' } })
    expect(out.errors).toEqual({ '3/cfg': '-1 is smaller than the minimum 0' })
  })

  test('core errors map onto fields: one edit error or the intake problem list', () => {
    expect(problemsByField({ details: { nodeId: '3', input: 'model', message: 'linked' } })).toEqual({
      '3/model': 'linked',
    })
    const listed = { details: { server: 's', problems: [{ nodeId: '4', input: 'ckpt_name', message: 'missing' }] } }
    expect(problemsByField(listed)).toEqual({ '4/ckpt_name': 'missing' })
    expect(problemsByField({ details: 'other' })).toEqual({})
  })
})
