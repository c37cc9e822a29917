import { describe, expect, it } from 'vitest'
import { samplerNodeIds, StepClock } from '../../../../src-worker/scheduler/step-clock'
import { txt2img } from '../../../integration/engine/prompts'

describe('StepClock', () => {
  const sampler = new Set(['3'])

  it('gives ms per step from the second step on, averaged over the steps seen', () => {
    const clock = new StepClock(sampler)
    // The first event carries the load and the node's set-up: it only starts the clock.
    expect(clock.onProgress('3', 1, 1000)).toBeNull()
    expect(clock.onProgress('3', 2, 1100)).toBeNull() // one step: too few (frames can arrive bunched)
    expect(clock.onProgress('3', 3, 1180)).toBe(90) // (1180 − 1000) / 2
    expect(clock.onProgress('3', 5, 1400)).toBe(100) // (1400 − 1000) / 4
  })

  it('ignores nodes that are not samplers, and restarts on another sampler or a restarted count', () => {
    const clock = new StepClock(new Set(['3', '9']))
    expect(clock.onProgress('8', 1, 0)).toBeNull()
    expect(clock.onProgress(undefined, 2, 10)).toBeNull()
    clock.onProgress('3', 1, 0)
    clock.onProgress('9', 1, 500) // a second sampler (a hires pass): its own first step
    expect(clock.onProgress('9', 3, 700)).toBe(100)
    clock.onProgress('9', 1, 800) // the count went back: a new pass
    expect(clock.onProgress('9', 3, 1000)).toBe(100)
  })

  it('takes no speed from hostile values or a clock that did not move', () => {
    const clock = new StepClock(sampler)
    clock.onProgress('3', 1, 0)
    expect(clock.onProgress('3', 1e308, 100)).toBeNull()
    expect(clock.onProgress('3', 2.5, 100)).toBeNull()
    expect(clock.onProgress('3', -1, 100)).toBeNull()
    const still = new StepClock(sampler)
    still.onProgress('3', 1, 50)
    expect(still.onProgress('3', 4, 50)).toBeNull()
  })

  it("times the set-up before the first step from the prompt's start, less the steps that event reports", () => {
    const clock = new StepClock(sampler)
    // Started at 1000; the loader and the model's move to the GPU, then step 1 reported at 2600 and step 3 at
    // 2800: 100 ms a step, so 1500 ms of set-up.
    clock.onProgress('3', 1, 2600)
    const perStep = clock.onProgress('3', 3, 2800)
    expect(perStep).toBe(100)
    expect(clock.setupMs(1000, perStep!)).toBe(1500)
    // Frames arrived bunched: the first event seen already reports 2 steps.
    const bunched = new StepClock(sampler)
    bunched.onProgress('3', 2, 1700)
    bunched.onProgress('3', 4, 1900)
    expect(bunched.setupMs(1000, 100)).toBe(500)
  })

  it('gives no set-up before a step, or when the start came after the first step (a reattach)', () => {
    const clock = new StepClock(sampler)
    expect(clock.setupMs(0, 100)).toBeNull()
    clock.onProgress('3', 1, 500)
    expect(clock.setupMs(600, 100)).toBeNull()
  })

  it("finds a prompt's samplers by their steps input", () => {
    const prompt = txt2img()
    const ids = samplerNodeIds(prompt)
    expect(ids.size).toBe(1)
    expect(prompt[[...ids][0]!]!.class_type).toBe('KSampler')
  })
})
