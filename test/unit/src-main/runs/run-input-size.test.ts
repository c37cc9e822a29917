import { describe, expect, it } from 'vitest'
import { BATCH_TASK_BYTES, RUN_INPUT_MAX_BYTES } from '../../../../src-shared/contract/limits'
import {
  checkRunInputSize,
  childInputBytes,
  RunInputTooLargeError,
  windowFor,
} from '../../../../src-main/runs/run-input-size'

describe('run input sizes', () => {
  it('refuses an input over the limit with the size and the limit named', () => {
    const input = { prompt: { '1': { class_type: 'X', inputs: { v: 'a'.repeat(RUN_INPUT_MAX_BYTES) } } } }
    expect(() => checkRunInputSize('The workflow', input)).toThrow(RunInputTooLargeError)
    expect(() => checkRunInputSize('The workflow', input)).toThrow(`the limit is ${RUN_INPUT_MAX_BYTES} bytes`)
    expect(checkRunInputSize('The workflow', { prompt: {} })).toBeLessThan(100)
  })

  it('narrows a batch window so the children started in one task fit in one gRPC message', () => {
    expect(windowFor(1_000, undefined)).toBe(64)
    expect(windowFor(1_000, 8)).toBe(8)
    const child = 300_000
    const window = windowFor(child, undefined)
    expect(window * child).toBeLessThanOrEqual(BATCH_TASK_BYTES)
    expect(window).toBeGreaterThanOrEqual(1)
    expect(windowFor(BATCH_TASK_BYTES * 2, 64)).toBe(1)
  })

  it('a prompt-list batch is sized by its largest prompt', () => {
    const small = { '1': { class_type: 'X', inputs: {} } }
    const large = { '1': { class_type: 'X', inputs: { v: 'a'.repeat(50_000) } } }
    expect(childInputBytes(small, { kind: 'prompts', prompts: [small, large] }, undefined)).toBeGreaterThan(50_000)
  })
})
