import { describe, expect, it } from 'vitest'
import type { NodeStatus } from '../../../../src-shared/contract/runs'
import {
  applyNodeChange,
  applyNodeStates,
  finalNodes,
  finishOthers,
  finiteProgress,
  mergeNodes,
  nextNodeStatus,
  own,
  safeRecord,
  shownNodeState,
  startNodeState,
} from '../../../../src-shared/runs/node-states'

const change = (nodeState: NodeStatus['state'] | null, classType: string | null = null) => ({
  nodeState,
  classType,
  value: null,
  max: null,
})

/** Ids a hostile server may send that are Object.prototype members on an ordinary object. */
const HOSTILE_IDS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']

describe('node-state fold', () => {
  it('stamps a node start and finish once, keeping its class type', () => {
    const running = nextNodeStatus(undefined, change('running', 'KSampler'), 100)
    const stepped = nextNodeStatus(running, { ...change(null), value: 3, max: 20 }, 150)
    const done = nextNodeStatus(stepped, change('done'), 300)
    const again = nextNodeStatus(done, change('done'), 900)
    expect(stepped).toEqual({ class_type: 'KSampler', state: 'running', started_at: 100, value: 3, max: 20 })
    expect(again).toEqual({ ...stepped, state: 'done', finished_at: 300 })
  })

  it('a starting node finishes the one running before it, at the later of their start times', () => {
    let nodes = applyNodeChange(safeRecord(), '3', change('running', 'KSampler'), 1_000)
    nodes = applyNodeChange(nodes, '8', change('running', 'VAEDecode'), 2_000)
    expect(nodes['3']).toMatchObject({ state: 'done', started_at: 1_000, finished_at: 2_000 })
    expect(nodes['8']).toMatchObject({ state: 'running', started_at: 2_000 })
    const unchanged = safeRecord<NodeStatus>([['1', { state: 'done', class_type: 'X' }]])
    expect(finishOthers(unchanged, '2', 5)).toBe(unchanged)
  })

  it('over bare states, a starting node finishes the running one; an unknown id only finishes it', () => {
    const states = safeRecord<NodeStatus['state']>([
      ['3', 'running'],
      ['8', 'pending'],
    ])
    expect(startNodeState(states, '8')).toBe(true)
    expect({ ...states }).toEqual({ '3': 'done', '8': 'running' })
    expect(startNodeState(states, 'constructor')).toBe(false)
    expect({ ...states }).toEqual({ '3': 'done', '8': 'done' })
  })

  it('a snapshot of states changes known nodes only and ignores values that are not states', () => {
    const nodes = safeRecord<NodeStatus>([
      ['1', { state: 'pending', class_type: 'A' }],
      ['2', { state: 'pending', class_type: 'B' }],
    ])
    const states = { '1': 'cached', '2': 'exploded', '9': 'done' } as unknown as Record<string, 'done'>
    const out = applyNodeStates(nodes, states, 50)
    expect(Object.keys(out)).toEqual(['1', '2'])
    expect(out['1']).toEqual({ state: 'cached', class_type: 'A', finished_at: 50 })
    expect(out['2']).toEqual({ state: 'pending', class_type: 'B' })
  })

  it.each(HOSTILE_IDS)('node id %s is a plain key: never read from or written to a prototype', (id) => {
    const nodes = safeRecord<NodeStatus>([['1', { state: 'pending', class_type: 'A' }]])
    // The snapshot as it arrives over JSON: the hostile id is an own key of an ordinary object.
    const snapshot = JSON.parse(`{"1":"done",${JSON.stringify(id)}:"done"}`) as Record<string, 'done'>
    const known = applyNodeStates(nodes, snapshot, 10)
    expect(Object.keys(known)).toEqual(['1'])
    expect(own(known, id)).toBeUndefined()

    const live = applyNodeChange(safeRecord(), id, change('running', 'Evil'), 20)
    expect(own(live, id)).toMatchObject({ state: 'running', class_type: 'Evil' })
    expect(Object.getPrototypeOf(live)).toBeNull()
    expect(({} as Record<string, unknown>).constructor).toBe(Object)
    expect(shownNodeState(own(safeRecord<NodeStatus>(), id)?.state, 'running')).toBe('pending')
  })

  it('a completed run settles pending and running nodes; a failed one keeps them as they were', () => {
    const nodes = safeRecord<NodeStatus>([
      ['1', { state: 'cached', class_type: 'A' }],
      ['2', { state: 'running', class_type: 'B' }],
      ['3', { state: 'pending', class_type: 'C' }],
    ])
    expect(Object.values(finalNodes(nodes, 'completed')).map((n) => n.state)).toEqual(['cached', 'done', 'done'])
    expect(Object.values(finalNodes(nodes, 'failed')).map((n) => n.state)).toEqual(['cached', 'running', 'pending'])
  })

  it('final states keep the timings measured live', () => {
    const live = safeRecord<NodeStatus>([['2', { state: 'running', class_type: 'B', started_at: 5, finished_at: 9 }]])
    const final = safeRecord<NodeStatus>([
      ['1', { state: 'cached', class_type: 'A' }],
      ['2', { state: 'done', class_type: 'B' }],
    ])
    expect(mergeNodes(live, final)['2']).toEqual({ state: 'done', class_type: 'B', started_at: 5, finished_at: 9 })
  })

  it('shows a node of an ended run as settled, and an unseen node of a completed run as cached', () => {
    expect(shownNodeState('running', 'completed')).toBe('done')
    expect(shownNodeState('running', 'failed')).toBe('done')
    expect(shownNodeState('running', 'running')).toBe('running')
    expect(shownNodeState(undefined, 'completed')).toBe('cached')
    expect(shownNodeState(undefined, 'queued')).toBe('pending')
  })

  it('progress is always a number in [0, 1]', () => {
    expect([NaN, Infinity, -1, 2, '0.5', null, 0.25].map(finiteProgress)).toEqual([0, 0, 0, 1, 0, 0, 0.25])
  })
})
