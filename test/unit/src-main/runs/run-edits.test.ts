import { describe, expect, test } from 'vitest'
import type { ApiPrompt } from '../../../../src-shared/contract/runs'
import { checkInputValues } from '../../../../src-main/intake'
import { editedPrompt, gridSweep, readEdits } from '../../../../src-main/runs/run-edits'
import { coreObjectInfo, workflowFixture } from '../../../helpers/intake-fixtures'

const prompt = (): ApiPrompt => workflowFixture('basic-api-example.api.json') as unknown as ApiPrompt
const check = (p: ApiPrompt): ReturnType<typeof checkInputValues> => checkInputValues(p, { gpu1: coreObjectInfo() })

describe('run sheet edits', () => {
  test('an edited model the server has is accepted; one it lacks is refused naming the field', () => {
    const good = editedPrompt(
      prompt(),
      [{ nodeId: '4', input: 'ckpt_name', value: 'sd_xl_base_1.0.safetensors' }],
      check
    )
    expect(good.ok && good.value['4']!.inputs.ckpt_name).toBe('sd_xl_base_1.0.safetensors')
    const bad = editedPrompt(prompt(), [{ nodeId: '4', input: 'ckpt_name', value: 'nope.safetensors' }], check)
    expect(bad).toMatchObject({ ok: false, error: { code: 'intake/invalid-inputs' } })
    expect(!bad.ok && bad.error.details).toMatchObject({ problems: [{ nodeId: '4', input: 'ckpt_name' }] })
  })

  test('malformed edits from the API are refused', () => {
    expect(readEdits({ edits: [{ input: 'seed', value: 1 }] as never }).ok).toBe(false)
    expect(readEdits({ vary: [{ nodeId: '3', input: 'seed', values: [] }] }).ok).toBe(false)
    expect(readEdits({}).ok).toBe(true)
  })
})

describe('vary any input', () => {
  test('a seed × cfg grid becomes one small grid sweep', () => {
    const axes = [
      { nodeId: '3', input: 'seed', values: [1, 2] },
      { nodeId: '3', input: 'cfg', values: [5, 7] },
    ]
    expect(gridSweep(prompt(), axes, check, 100)).toEqual({ ok: true, value: { kind: 'grid', axes } })
    expect(gridSweep(prompt(), [], check, 100)).toEqual({ ok: true, value: null })
  })

  test('a value out of range, a linked input or too many runs is refused naming the field', () => {
    const tooHigh = gridSweep(prompt(), [{ nodeId: '3', input: 'cfg', values: [5, 500] }], check, 100)
    expect(!tooHigh.ok && tooHigh.error.message).toContain('500 is bigger than the maximum 100')
    const linked = gridSweep(prompt(), [{ nodeId: '3', input: 'model', values: ['x'] }], check, 100)
    expect(linked).toMatchObject({ ok: false, error: { details: { nodeId: '3', input: 'model' } } })
    const big = gridSweep(
      prompt(),
      [{ nodeId: '3', input: 'seed', values: Array.from({ length: 101 }, (_, i) => i) }],
      check,
      100
    )
    expect(!big.ok && big.error.message).toContain('at most 100')
  })

  test('a long numeric range is checked at its extremes', () => {
    const values = Array.from({ length: 5000 }, (_, i) => i - 1)
    const r = gridSweep(prompt(), [{ nodeId: '3', input: 'steps', values }], check, 10_000)
    expect(!r.ok && r.error.message).toContain('-1 is smaller than the minimum')
  })
})
