import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Cache } from '../../../../src-main/cache'
import { InvalidHistoryQueryError } from '../../../../src-main/cache'
import type { HistoryItem, HistoryQuery } from '../../../../src-shared/contract/bridge'
import type { OutputRef } from '../../../../src-shared/contract/runs'
import { newRun, pngBytes, storeOutput, withCache } from '../../../helpers/cache-fixtures'

const PROMPTS = [
  'a cat on a sofa',
  'a dog in the "rain"',
  'portrait of a cat wizard, 4k*',
  'Café au lait — crème brûlée',
  'mountain landscape at dawn',
]

let cache: Cache
let cleanup: () => void
let outputs: OutputRef[]

/** 20 runs, one image each, created 1000 ms apart; prompts, servers, models and states cycle. */
beforeAll(async () => {
  ;({ cache, cleanup } = withCache())
  outputs = []
  cache.runs.insertBatch({ id: 'b1', name: 'batch', total: 5, createdAt: 0 })
  for (let i = 0; i < 20; i++) {
    const id = `r${String(i).padStart(2, '0')}`
    cache.runs.insertRun(
      newRun(id, {
        createdAt: 1000 * i,
        positive: PROMPTS[i % PROMPTS.length] ?? null,
        models: [i % 2 ? 'flux1-dev.safetensors' : 'sd_xl_base_1.0.safetensors'],
        batchId: i < 5 ? 'b1' : null,
      })
    )
    const out = storeOutput(cache, await pngBytes(8, 8, i))
    outputs.push(out)
    const status = i % 4 === 3 ? 'failed' : 'completed'
    await cache.finishRun(id, { status, finishedAt: 1000 * i, outputs: [out], serverId: i % 3 ? 's1' : 's2' })
    // Output timestamps follow the runs' order so the expected order is known.
    cache.db.prepare('UPDATE outputs SET created_at = ? WHERE run_id = ?').run(1000 * i, id)
  }
})
afterAll(() => cleanup())

function ids(items: HistoryItem[]): string[] {
  return items.map((i) => i.runId)
}

function allPages(query: HistoryQuery): string[] {
  const seen: string[] = []
  let cursor: string | null = null
  for (let guard = 0; guard < 100; guard++) {
    const page = cache.searchHistory({ ...query, cursor })
    seen.push(...ids(page.items))
    cursor = page.nextCursor
    if (!cursor) break
  }
  return seen
}

describe('searchHistory', () => {
  it('pages newest first by keyset without gaps or repeats', () => {
    const first = cache.searchHistory({ limit: 7 })
    expect(ids(first.items)).toEqual(['r19', 'r18', 'r17', 'r16', 'r15', 'r14', 'r13'])
    expect(first.items[0]).toMatchObject({ hash: outputs[19]?.hash, models: ['flux1-dev.safetensors'], seed: 42 })
    const everything = allPages({ limit: 7 })
    expect(everything).toHaveLength(20)
    expect(new Set(everything).size).toBe(20)
    expect(allPages({ limit: 20 })).toEqual(everything)
  })

  it('sorts oldest first on request', () => {
    expect(allPages({ sort: 'oldest', limit: 6 }).slice(0, 3)).toEqual(['r00', 'r01', 'r02'])
  })

  it('finds prompt words with prefix matching, across case and accents', () => {
    expect(allPages({ text: 'cat' }).sort()).toEqual(['r00', 'r02', 'r05', 'r07', 'r10', 'r12', 'r15', 'r17'])
    expect(allPages({ text: 'CAT wiz' }).sort()).toEqual(['r02', 'r07', 'r12', 'r17'])
    expect(allPages({ text: 'creme' })).toHaveLength(4)
    expect(allPages({ text: 'flux1' })).toHaveLength(10)
    expect(allPages({ text: 'Run r03' })).toEqual(['r03'])
  })

  it('never fails on FTS5 syntax characters in user text', () => {
    const odd = ['"', '"rain', '*', 'cat*', 'NEAR(cat dog)', 'cat OR dog', '-cat', 'a:b', '(', "'", '^x', '""""', '🐱']
    for (const text of odd) expect(() => cache.searchHistory({ text })).not.toThrow()
    expect(allPages({ text: '"rain"' })).toHaveLength(4)
    expect(allPages({ text: 'cat OR' })).toHaveLength(0)
    // Nothing searchable in the text: the search box is treated as empty.
    expect(allPages({ text: '***' })).toHaveLength(20)
  })

  it('filters by status, server, model, batch and date range, combined with paging', () => {
    expect(allPages({ status: ['failed'] })).toEqual(['r19', 'r15', 'r11', 'r07', 'r03'])
    expect(allPages({ serverId: 's2', limit: 2 })).toEqual(['r18', 'r15', 'r12', 'r09', 'r06', 'r03', 'r00'])
    expect(allPages({ model: 'flux1-dev.safetensors', limit: 3 })).toHaveLength(10)
    expect(allPages({ batchId: 'b1' })).toEqual(['r04', 'r03', 'r02', 'r01', 'r00'])
    expect(allPages({ from: 5000, to: 8000 })).toEqual(['r08', 'r07', 'r06', 'r05'])
    expect(allPages({ text: 'cat', status: ['completed'], serverId: 's1' })).toEqual(['r17', 'r10', 'r05', 'r02'])
    expect(allPages({ text: 'cat', from: 2000, to: 12000, limit: 2 })).toEqual(['r12', 'r10', 'r07', 'r05', 'r02'])
    expect(allPages({ text: 'cat', from: 2000, to: 12000, limit: 2, sort: 'oldest' })).toEqual([
      'r02',
      'r05',
      'r07',
      'r10',
      'r12',
    ])
    expect(allPages({ text: 'cat', from: 99_000 })).toEqual([])
  })

  it('keeps the filter columns in step when a run changes state', () => {
    cache.runs.updateRunStatus('r03', { status: 'completed' })
    expect(allPages({ status: ['failed'] })).not.toContain('r03')
    cache.runs.updateRunStatus('r03', { status: 'failed' })
    expect(allPages({ status: ['failed'] })).toContain('r03')
  })

  it('reports malformed queries clearly', () => {
    expect(() => cache.searchHistory({ cursor: 'garbage' })).toThrow(InvalidHistoryQueryError)
    expect(() => cache.searchHistory({ status: ['done' as never] })).toThrow(/Unknown run status: done/)
    expect(() => cache.searchHistory({ from: Number.NaN })).toThrow(/'from'/)
  })

  it('stays exact for date filters once a run is recorded out of creation order', async () => {
    expect(cache.db.prepare("SELECT value FROM cache_flags WHERE name = 'runs_out_of_order'").get()).toEqual({
      value: 0,
    })
    cache.runs.insertRun(newRun('late', { createdAt: 4500, positive: 'late arrival' }))
    const out = storeOutput(cache, await pngBytes(8, 8, 200))
    await cache.finishRun('late', { status: 'completed', finishedAt: 1, outputs: [out] })
    expect(cache.db.prepare("SELECT value FROM cache_flags WHERE name = 'runs_out_of_order'").get()).toEqual({
      value: 1,
    })
    expect(allPages({ from: 4000, to: 6000 })).toEqual(['late', 'r06', 'r05', 'r04'])
    expect(allPages({ from: 4000, to: 6000, sort: 'oldest', limit: 1 })).toEqual(['r04', 'r05', 'r06', 'late'])
  })
})
