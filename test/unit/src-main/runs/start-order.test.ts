import { describe, expect, it } from 'vitest'
import { longestFirst, startInOrder } from '../../../../src-main/runs/start-order'
import { txt2img } from '../../../integration/engine/prompts'

describe('longestFirst', () => {
  it('orders a burst by expected work (steps × runs), equal work in the user order', () => {
    const items = [
      { prompt: txt2img({ steps: 5 }), runs: 1 },
      { prompt: txt2img({ steps: 60 }), runs: 1 },
      { prompt: txt2img({ steps: 5 }), runs: 1 },
      { prompt: txt2img({ steps: 5 }), runs: 20 }, // a batch of 20 short runs is the most work
    ]
    expect(longestFirst(items)).toEqual([3, 1, 0, 2])
  })
})

describe('startInOrder', () => {
  it('begins starts in the given order, a few at a time, and answers in the user order', async () => {
    const begun: number[] = []
    let inFlight = 0
    let most = 0
    const results = await startInOrder(
      [2, 0, 3, 1],
      async (i) => {
        begun.push(i)
        most = Math.max(most, ++inFlight)
        await new Promise((r) => setImmediate(r))
        inFlight--
        return `run-${i}`
      },
      2
    )
    expect(begun).toEqual([2, 0, 3, 1])
    expect(most).toBe(2)
    expect(results).toEqual(['run-0', 'run-1', 'run-2', 'run-3'])
  })

  it('starts no more after a failure and rejects with it', async () => {
    const begun: number[] = []
    const failing = startInOrder(
      [0, 1, 2, 3],
      async (i) => {
        begun.push(i)
        await new Promise((r) => setImmediate(r))
        if (i === 0) throw new Error('run 0 too large')
        return i
      },
      1
    )
    await expect(failing).rejects.toThrow('run 0 too large')
    expect(begun).toEqual([0])
  })
})
