/**
 * The REST query strings' schemas (#18 item 4): a bad value or an unknown parameter is an issue naming
 * the parameter, and the SDK's encoder writes exactly what the route's schema reads back.
 */
import { describe, expect, test } from 'vitest'
import type { HistoryQuery } from '../../../../src-shared/contract/requests'
import {
  HistoryQueryParamsSchema,
  historyQueryString,
  ResultQuerySchema,
  RunsQuerySchema,
} from '../../../../src-shared/contract/query-params'
import { fieldIssues } from '../../../../src-shared/contract/validation'

/** The issues of parsing `query` (as a URL's query string) with `schema`, as `{ path, message }`. */
function issuesOf(schema: typeof HistoryQueryParamsSchema | typeof RunsQuerySchema, query: string) {
  const r = schema.safeParse(Object.fromEntries(new URLSearchParams(query)))
  return r.success ? [] : fieldIssues(r.error)
}

describe('the history query string', () => {
  test('every field the SDK writes is read back as it was', () => {
    const query: HistoryQuery = {
      text: 'a lighthouse',
      status: ['completed', 'failed'],
      serverId: 'gpu-1',
      model: 'sd15.safetensors',
      from: 1_700_000_000_000,
      to: 1_800_000_000_000,
      batchId: 'b-1',
      sort: 'oldest',
      cursor: 'WzEsMl0',
      limit: 20,
      withImageless: true,
    }
    const parsed = HistoryQueryParamsSchema.parse(Object.fromEntries(new URLSearchParams(historyQueryString(query))))
    expect(parsed).toEqual(query)
  })

  test('an empty query is an empty HistoryQuery, and `search` is still read as the text', () => {
    expect(HistoryQueryParamsSchema.parse({})).toEqual({})
    expect(HistoryQueryParamsSchema.parse({ search: 'cat' })).toEqual({ text: 'cat' })
  })

  test('a bad limit, status, date or sort names its parameter', () => {
    expect(issuesOf(HistoryQueryParamsSchema, 'limit=abc')).toEqual([
      { path: 'limit', message: 'must be a whole number' },
    ])
    for (const limit of ['0', '501'])
      expect(issuesOf(HistoryQueryParamsSchema, `limit=${limit}`)).toEqual([
        { path: 'limit', message: 'must be a whole number from 1 to 500' },
      ])
    const [status] = issuesOf(HistoryQueryParamsSchema, 'status=completed,bogus')
    expect(status?.path).toBe('status')
    expect(status?.message).toMatch(/^must be run states separated by commas .*not "bogus"$/)
    expect(issuesOf(HistoryQueryParamsSchema, 'from=yesterday')[0]?.path).toBe('from')
    expect(issuesOf(HistoryQueryParamsSchema, 'sort=best')).toEqual([
      { path: 'sort', message: 'must be "newest" or "oldest"' },
    ])
  })

  test('an unknown parameter (a typo) is named, not ignored', () => {
    expect(issuesOf(HistoryQueryParamsSchema, 'limt=5')).toEqual([
      { path: 'limt', message: 'is not a known key', unknownKey: true },
    ])
  })
})

describe('the other GET query strings', () => {
  test('runs?limit= must be a whole number', () => {
    expect(RunsQuerySchema.parse({ limit: '20' })).toEqual({ limit: 20 })
    expect(issuesOf(RunsQuerySchema, 'limit=1e3')).toEqual([{ path: 'limit', message: 'must be a whole number' }])
  })

  test('result?wait_s= takes seconds >= 0, fractions too', () => {
    expect(ResultQuerySchema.parse({ wait_s: '2.5' })).toEqual({ wait_s: 2.5 })
    const r = ResultQuerySchema.safeParse({ wait_s: '-1' })
    expect(r.success ? [] : fieldIssues(r.error)).toEqual([
      { path: 'wait_s', message: 'must be a number of seconds >= 0' },
    ])
  })
})
