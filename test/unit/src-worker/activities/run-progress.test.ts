import { describe, expect, it } from 'vitest'
import { RunProgress } from '../../../../src-worker/activities/run-progress'
import { appendEvents, applyProgress, initialStatus, MAX_EVENTS } from '../../../../src-worker/workflows/run-state'
import { promptAt, sweepSize } from '../../../../src-shared/runs/batch-sweep'
import { txt2img } from '../../../integration/engine/prompts'

const P = 'p-1'

describe('RunProgress', () => {
  it('folds ComfyUI events into node states, current node and rising progress', () => {
    const progress = new RunProgress(txt2img({ steps: 10 }))
    progress.apply({ type: 'execution_start', data: { prompt_id: P, timestamp: 5 } }, 1)
    progress.apply({ type: 'execution_cached', data: { prompt_id: P, nodes: ['4'] } }, 2)
    expect(progress.nodes['4']).toBe('cached')
    progress.apply({ type: 'executing', data: { node: '6', prompt_id: P } }, 3)
    progress.apply({ type: 'executing', data: { node: '3', prompt_id: P } }, 4)
    expect(progress.nodes['6']).toBe('done')
    expect(progress.current).toEqual({ id: '3', class_type: 'KSampler' })
    const before = progress.progress
    progress.apply({ type: 'progress', data: { value: 5, max: 10, prompt_id: P, node: '3' } }, 5)
    expect(progress.nodeProgress).toEqual({ value: 5, max: 10 })
    expect(progress.progress).toBeGreaterThan(before)
    progress.apply(
      {
        type: 'execution_error',
        data: {
          prompt_id: P,
          node_id: '3',
          node_type: 'KSampler',
          executed: [],
          exception_message: 'x',
          exception_type: 'E',
          traceback: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
        },
      },
      6
    )
    expect(progress.nodes['3']).toBe('error')
    const events = progress.takeEvents()
    expect(events.map((e) => e.type)).toEqual([
      'execution_start',
      'execution_cached',
      'executing',
      'executing',
      'execution_error',
    ])
    expect((events[4]?.data.traceback as string[]).length).toBe(5)
    expect(progress.takeEvents()).toEqual([])
    expect(progress.startedAt).toBe(5)
  })
})

describe('run state (get_status)', () => {
  it('applies newer snapshots and keeps get_events bounded', () => {
    const status = initialStatus('run-1', txt2img())
    expect(status.status).toBe('pending')
    applyProgress(
      status,
      {
        seq: 0,
        attempt: 1,
        state: 'running',
        server: { id: 's', name: 's', address: 'a' },
        promptId: P,
        currentNode: { id: '3', class_type: 'KSampler' },
        progress: 0.5,
        nodeProgress: { value: 1, max: 2 },
        nodes: { '3': 'running', '4': 'done' },
        startedAt: 10,
        events: [],
      },
      20
    )
    expect(status).toMatchObject({ status: 'running', prompt_id: P, attempt: 1, progress: 0.5, started_at: 10 })
    expect(status.nodes['3']).toMatchObject({ state: 'running', started_at: 20, value: 1, max: 2 })
    const events = Array.from({ length: MAX_EVENTS + 10 }, (_, i) => ({ type: 'executing', time: i, data: {} }))
    const kept: typeof events = []
    appendEvents(kept, events)
    expect(kept).toHaveLength(MAX_EVENTS)
    expect(kept[0]?.time).toBe(10)
  })
})

describe('batch sweeps', () => {
  it('sets seeds, values or whole prompts per index', () => {
    const base = txt2img({ seed: 1 })
    expect(sweepSize({ kind: 'seeds', from: 10, to: 14 })).toBe(5)
    expect(promptAt(base, { kind: 'seeds', from: 10, to: 14 }, 2, 'b')['3']?.inputs.seed).toBe(12)
    expect(base['3']?.inputs.seed).toBe(1)
    expect(
      promptAt(base, { kind: 'values', nodeId: '3', inputName: 'cfg', values: [4, 5] }, 1, 'b')['3']?.inputs.cfg
    ).toBe(5)
    const a = promptAt(base, { kind: 'count', count: 3 }, 0, 'b')['3']?.inputs.seed
    const b = promptAt(base, { kind: 'count', count: 3 }, 1, 'b')['3']?.inputs.seed
    expect(a).not.toBe(b)
    expect(promptAt(base, { kind: 'count', count: 3 }, 0, 'b')['3']?.inputs.seed).toBe(a)
    expect(Number.isSafeInteger(a)).toBe(true)
  })
})
