import { describe, expect, test } from 'vitest'
import { applyInputEdits, gridEditsAt, gridSize, type InputAxis } from '../../../../src-shared/comfy/input-edits'
import type { ApiPrompt } from '../../../../src-shared/contract/runs'
import { promptAt, sweepSize } from '../../../../src-shared/runs/batch-sweep'
import { workflowFixture } from '../../../helpers/intake-fixtures'

const prompt = (): ApiPrompt => workflowFixture('basic-api-example.api.json') as unknown as ApiPrompt

describe('applyInputEdits', () => {
  test('sets literal inputs on a copy and leaves the original alone', () => {
    const base = prompt()
    const r = applyInputEdits(base, [
      { nodeId: '4', input: 'ckpt_name', value: 'other.safetensors' },
      { nodeId: '6', input: 'text', value: 'a red fox' },
    ])
    expect(r.ok && r.value['4']!.inputs.ckpt_name).toBe('other.safetensors')
    expect(r.ok && r.value['6']!.inputs.text).toBe('a red fox')
    expect(base['4']!.inputs.ckpt_name).toBe('v1-5-pruned-emaonly.safetensors')
  })

  test('a list value is wrapped so ComfyUI does not read it as a link', () => {
    const r = applyInputEdits(prompt(), [{ nodeId: '3', input: 'steps', value: [1, 2] }])
    expect(r.ok && r.value['3']!.inputs.steps).toEqual({ __value__: [1, 2] })
  })

  test('an unknown node or a linked input is refused with the field in details', () => {
    const missing = applyInputEdits(prompt(), [{ nodeId: '99', input: 'seed', value: 1 }])
    expect(missing).toMatchObject({ ok: false, error: { details: { nodeId: '99', input: 'seed' } } })
    expect(!missing.ok && missing.error.message).toContain('no node "99"')
    const linked = applyInputEdits(prompt(), [{ nodeId: '3', input: 'model', value: 'x' }])
    expect(!linked.ok && linked.error.message).toContain('connected to another node')
  })
})

describe('grids', () => {
  const axes: InputAxis[] = [
    { nodeId: '3', input: 'seed', values: [1, 2] },
    { nodeId: '3', input: 'cfg', values: [5, 7, 9] },
  ]

  test('size is the product of the axes; no axes make no runs', () => {
    expect(gridSize(axes)).toBe(6)
    expect(gridSize([])).toBe(0)
  })

  test('the last axis changes fastest, so runs are listed row by row', () => {
    const rows = [0, 1, 2, 3, 4, 5].map((i) => gridEditsAt(axes, i).map((e) => e.value))
    expect(rows).toEqual([
      [1, 5],
      [1, 7],
      [1, 9],
      [2, 5],
      [2, 7],
      [2, 9],
    ])
  })

  test('a grid batch sweep gives each child its combination', () => {
    const sweep = { kind: 'grid' as const, axes }
    expect(sweepSize(sweep)).toBe(6)
    const fifth = promptAt(prompt(), sweep, 4, 'batch-x')
    expect(fifth['3']!.inputs.seed).toBe(2)
    expect(fifth['3']!.inputs.cfg).toBe(7)
  })
})
