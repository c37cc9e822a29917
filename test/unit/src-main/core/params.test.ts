import { describe, expect, test } from 'vitest'
import { ExecuteBodySchema, RequestParamSchemas, SubmitRequestSchema } from '../../../../src-shared/contract/requests'
import { HttpError } from '../../../../src-main/api/http-util'
import { parseParams, withParamChecks } from '../../../../src-main/core/params'
import type { BridgeHandlers } from '../../../../src-main/core/bridge-handlers'

/** The HttpError a parse threw (fails the test if it did not throw one). */
function refusal(f: () => unknown): HttpError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(HttpError)
    return e as HttpError
  }
  throw new Error('expected a refusal')
}

describe('contract schemas at the bridge and REST boundary', () => {
  test('a bad value is a 400 whose issues name the field path', () => {
    const e = refusal(() =>
      parseParams(RequestParamSchemas['servers:update'], { id: 's1', patch: { slots: 'two' } }, 'Params')
    )
    expect(e.status).toBe(400)
    expect(e.code).toBe('request/bad-params')
    expect(e.details).toEqual({ issues: [{ path: 'patch.slots', message: 'must be a number' }] })
    expect(e.message).toBe('Params: patch.slots must be a number')
  })

  test('nested list items are named by index', () => {
    const e = refusal(() =>
      parseParams(SubmitRequestSchema, { files: [{ name: 'a.json', dataBase64: 'e30=' }, { name: 'b.json' }] }, 'x')
    )
    expect(e.details).toEqual({ issues: [{ path: 'files.1.dataBase64', message: 'must be the file bytes as base64' }] })
  })

  test('unknown keys, prototype names included, are refused by name', () => {
    const e = refusal(() =>
      parseParams(ExecuteBodySchema, JSON.parse('{"workflow":{},"__proto__":{},"constructor":1}'), 'x')
    )
    expect(e.details).toEqual({
      issues: [
        { path: '__proto__', message: 'is not a known key', unknownKey: true },
        { path: 'constructor', message: 'is not a known key', unknownKey: true },
      ],
    })
  })

  test('seeds as "a..b" or {from, to}; anything else names the field', () => {
    expect(parseParams(ExecuteBodySchema, { seeds: '1..3' }, 'x').seeds).toBe('1..3')
    const e = refusal(() => parseParams(ExecuteBodySchema, { seeds: '1-3' }, 'x'))
    expect((e.details as { issues: { path: string }[] }).issues[0]!.path).toBe('seeds')
  })

  test('withParamChecks validates before the handler runs, and passes parsed params through', async () => {
    const seen: unknown[] = []
    const record = (p: unknown): Promise<never> => {
      seen.push(p)
      return Promise.resolve(null as never)
    }
    const handlers = new Proxy({}, { get: () => record }) as BridgeHandlers
    const checked = withParamChecks({ ...handlers, 'runs:get': record, 'runs:list': record })
    await expect(checked['runs:get']({ id: 7 } as never)).rejects.toMatchObject({
      status: 400,
      details: { issues: [{ path: 'id', message: 'must be a non-empty id' }] },
    })
    expect(seen).toEqual([])
    await checked['runs:list'](undefined as never)
    expect(seen).toEqual([{}])
  })
})
