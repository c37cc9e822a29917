import { describe, expect, test } from 'vitest'
import { afterClear, filterItems, matchesRun, NO_FILTER } from '../../../../../src-renderer/src/lib/run-filter'
import { run } from '../../../../helpers/renderer-fixtures'

const fox = run('r1', 'completed', 1, { name: 'fox study', positive: 'a red fox', serverId: 's1', finishedAt: 100 })
const whale = run('r2', 'failed', 2, { positive: 'a blue whale', serverId: 's2', finishedAt: 200 })
const child = run('run-b-0', 'running', 3, { batchId: 'B', positive: 'a grey wolf' })
const byId = { r1: fox, r2: whale, 'run-b-0': child }
const batchRuns = { B: ['run-b-0'] }

describe('runs filter', () => {
  test('every search word must appear in name, prompt, server, models, seed or id', () => {
    expect(matchesRun(fox, { ...NO_FILTER, text: 'RED fox' })).toBe(true)
    expect(matchesRun(fox, { ...NO_FILTER, text: 'red whale' })).toBe(false)
  })

  test('status, server and batch narrow the list; a batch shows when one of its runs matches', () => {
    const items = ['run:r1', 'run:r2', 'batch:B']
    expect(filterItems(items, { ...NO_FILTER, status: 'failed' }, byId, batchRuns)).toEqual(['run:r2'])
    expect(filterItems(items, { ...NO_FILTER, status: 'active' }, byId, batchRuns)).toEqual(['batch:B'])
    expect(filterItems(items, { ...NO_FILTER, serverId: 's1' }, byId, batchRuns)).toEqual(['run:r1'])
    expect(filterItems(items, { ...NO_FILTER, text: 'wolf' }, byId, batchRuns)).toEqual(['batch:B'])
    expect(filterItems(items, NO_FILTER, byId, batchRuns)).toBe(items)
  })

  test('"Clear finished" hides runs finished up to then, and keeps later ones', () => {
    expect(afterClear(['run:r1', 'run:r2'], 150, byId, batchRuns)).toEqual(['run:r2'])
    expect(afterClear(['run:r1'], 0, byId, batchRuns)).toEqual(['run:r1'])
  })
})
