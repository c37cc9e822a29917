import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Cache } from '../../../../src-main/cache'
import type { HistoryQuery } from '../../../../src-shared/contract/bridge'
import { newRun, pngBytes, storeOutput, withCache } from '../../../helpers/cache-fixtures'

let cache: Cache
let cleanup: () => void

/** 12 runs: every 4th fails with no image, every 6th is cancelled with no image, the rest complete with one. */
beforeAll(async () => {
  ;({ cache, cleanup } = withCache())
  for (let i = 0; i < 12; i++) {
    const id = `r${String(i).padStart(2, '0')}`
    cache.runs.insertRun(newRun(id, { createdAt: 1000 * i, positive: i % 2 ? 'a red fox' : 'a blue whale' }))
    const failed = i % 4 === 3
    const cancelled = !failed && i % 6 === 5
    const outputs = failed || cancelled ? [] : [storeOutput(cache, await pngBytes(8, 8, i))]
    const error = failed
      ? { kind: 'execution' as const, message: `boom ${i}` }
      : cancelled
        ? { kind: 'cancelled' as const, message: 'Cancelled' }
        : undefined
    await cache.finishRun(id, {
      status: failed ? 'failed' : cancelled ? 'cancelled' : 'completed',
      finishedAt: 1000 * i,
      outputs,
      serverId: 's1',
      ...(error ? { error } : {}),
    })
  }
})
afterAll(() => cleanup())

function pages(query: HistoryQuery): { ids: string[]; total: number | null } {
  const ids: string[] = []
  let cursor: string | null = null
  let total: number | null = null
  for (let guard = 0; guard < 50; guard++) {
    const page = cache.searchHistory({ ...query, limit: 3, cursor })
    if (cursor === null) total = page.total
    ids.push(...page.items.map((i) => i.runId))
    cursor = page.nextCursor
    if (!cursor) break
  }
  return { ids, total }
}

describe('history: runs that ended without an image', () => {
  test('the failed filter finds failed runs, newest first, with their error, across pages', () => {
    const { ids, total } = pages({ status: ['failed'], withImageless: true })
    expect(ids).toEqual(['r11', 'r07', 'r03'])
    expect(total).toBe(3)
    const first = cache.searchHistory({ status: ['failed'], withImageless: true }).items[0]!
    expect(first).toMatchObject({ hash: null, status: 'failed', errorMessage: 'boom 11' })
  })

  test('images and imageless runs interleave in run order, each exactly once, with an exact total', () => {
    const { ids, total } = pages({ withImageless: true })
    expect(ids).toEqual(Array.from({ length: 12 }, (_, i) => `r${String(11 - i).padStart(2, '0')}`))
    expect(total).toBe(12)
    expect(pages({ withImageless: true, sort: 'oldest' }).ids).toEqual([...ids].reverse())
  })

  test('text search and status filters apply to them too; API clients asking for images get images only', () => {
    expect(pages({ withImageless: true, text: 'fox', status: ['cancelled'] }).ids).toEqual(['r05'])
    expect(pages({ status: ['failed'] })).toEqual({ ids: [], total: 0 })
    expect(pages({}).total).toBe(8)
    expect(pages({ withImageless: true, status: ['completed'] }).total).toBe(8)
  })
})
