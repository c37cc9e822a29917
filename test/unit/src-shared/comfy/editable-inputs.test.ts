import { describe, expect, test } from 'vitest'
import { editableFields } from '../../../../src-shared/comfy/editable-inputs'
import type { ObjectInfo } from '../../../../src-shared/contract/intake'
import type { ApiPrompt } from '../../../../src-shared/contract/runs'
import { coreObjectInfo, workflowFixture } from '../../../helpers/intake-fixtures'

const prompt = (): ApiPrompt => workflowFixture('basic-api-example.api.json') as unknown as ApiPrompt

/** A server like the core one but with only these checkpoints. */
function serverWith(checkpoints: string[]): ObjectInfo {
  const info = coreObjectInfo()
  info.CheckpointLoaderSimple!.input.required = { ckpt_name: [checkpoints] }
  return info
}

describe('editableFields', () => {
  test('types each literal input from /object_info and skips links', () => {
    const fields = editableFields(prompt(), [coreObjectInfo()])
    const cfg = fields.find((f) => f.nodeId === '3' && f.input === 'cfg')
    expect(cfg).toMatchObject({ kind: 'float', value: 8, min: 0, max: 100, step: 0.1, common: true })
    expect(fields.find((f) => f.input === 'seed')).toMatchObject({ kind: 'int', min: 0 })
    expect(fields.find((f) => f.nodeId === '6')).toMatchObject({ kind: 'string', multiline: true, input: 'text' })
    expect(fields.find((f) => f.input === 'sampler_name')?.options).toContain('euler')
    expect(fields.some((f) => f.input === 'model' || f.input === 'clip')).toBe(false)
    expect(fields.find((f) => f.nodeId === '9' && f.input === 'filename_prefix')?.common).toBe(false)
  })

  test('a model picker offers what any of the servers has, each name once', () => {
    const fields = editableFields(prompt(), [
      serverWith(['a.safetensors', 'b.safetensors']),
      serverWith(['b.safetensors', 'c.ckpt']),
    ])
    expect(fields.find((f) => f.input === 'ckpt_name')?.options).toEqual(['a.safetensors', 'b.safetensors', 'c.ckpt'])
  })

  test('nodes come in numeric id order and the node title is the display name', () => {
    const fields = editableFields(prompt(), [coreObjectInfo()])
    const ids = [...new Set(fields.map((f) => f.nodeId))]
    expect(ids).toEqual([...ids].sort((a, b) => Number(a) - Number(b)))
    expect(fields.find((f) => f.nodeId === '4')?.nodeTitle).toBe(coreObjectInfo().CheckpointLoaderSimple!.display_name)
  })

  test('without any server there is nothing to type the form with', () => {
    expect(editableFields(prompt(), [])).toEqual([])
  })
})
