import { describe, expect, test } from 'vitest'
import { batchCounts, computeRunLists, placementChanged } from '../../../../../src-renderer/src/lib/run-groups'
import { run } from '../../../../helpers/renderer-fixtures'

describe('computeRunLists', () => {
  test('active in submission order (rows never jump when a run starts); recent newest-finished first; counts', () => {
    const lists = computeRunLists([
      run('p1', 'pending', 10),
      run('r1', 'running', 20),
      run('q1', 'queued', 5),
      run('c1', 'completed', 1),
      run('f1', 'failed', 2),
    ])
    expect(lists.active).toEqual(['run:q1', 'run:p1', 'run:r1'])
    expect(lists.recent).toEqual(['run:f1', 'run:c1'])
    expect(lists.running).toBe(1)
    expect(lists.pending).toBe(2)
  })

  test('a batch shows once, among active runs while any of its runs is active', () => {
    const lists = computeRunLists([
      run('b0', 'completed', 1, { batchId: 'B' }),
      run('b1', 'running', 2, { batchId: 'B' }),
      run('b2', 'pending', 3, { batchId: 'B' }),
      run('solo', 'completed', 4),
    ])
    expect(lists.active).toEqual(['batch:B'])
    expect(lists.recent).toEqual(['run:solo'])
    expect(lists.batchRuns.B).toEqual(['b0', 'b1', 'b2'])
  })

  test("a batch's runs are listed by their index in the batch, whatever order they were discovered in", () => {
    const lists = computeRunLists([
      run('run-x-10', 'running', 1, { batchId: 'B' }),
      run('run-x-2', 'running', 5, { batchId: 'B' }),
      run('run-x-0', 'completed', 9, { batchId: 'B' }),
    ])
    expect(lists.batchRuns.B).toEqual(['run-x-0', 'run-x-2', 'run-x-10'])
  })
})

describe('placementChanged', () => {
  test('progress-only updates do not move a run', () => {
    const a = run('x', 'running', 1)
    expect(placementChanged(a, { ...a, progress: 0.5, nodeProgress: { value: 3, max: 20 } })).toBe(false)
    expect(placementChanged(a, { ...a, status: 'completed', finishedAt: 9 })).toBe(true)
    expect(placementChanged(undefined, a)).toBe(true)
  })
})

describe('batchCounts', () => {
  test('derives counters and a status from run states', () => {
    expect(batchCounts(['completed', 'running', 'pending'])).toMatchObject({
      total: 3,
      completed: 1,
      running: 1,
      status: 'running',
    })
    expect(batchCounts(['completed', 'failed'])).toMatchObject({ failed: 1, status: 'failed' })
    expect(batchCounts(['cancelled', 'cancelled']).status).toBe('cancelled')
    expect(batchCounts(['completed', 'cancelled']).status).toBe('completed')
  })
})
