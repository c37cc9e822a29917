import { describe, expect, it } from 'vitest'
import { applyProgressEvent, applyStatusSnapshot, newLiveRun } from '../../../../src-main/runs/live-run'
import type { RunStatus } from '../../../../src-shared/contract/runs'

const event = (
  over: Partial<Parameters<typeof applyProgressEvent>[1]> = {}
): Parameters<typeof applyProgressEvent>[1] => ({
  runId: 'run-1',
  serverId: 's0',
  nodeId: '3',
  classType: 'KSampler',
  nodeState: 'running',
  value: 2,
  max: 20,
  progress: 0.3,
  ...over,
})

describe('live run state', () => {
  it('the first event makes a pending run running on its server, with the node and its step', () => {
    const live = newLiveRun('run-1', 'pending', null)
    expect(applyProgressEvent(live, event(), 1_000)).toEqual({ statusChanged: true, nodeChanged: true })
    expect(live).toMatchObject({
      status: 'running',
      serverId: 's0',
      progress: 0.3,
      currentNode: { id: '3', classType: 'KSampler' },
      nodeProgress: { value: 2, max: 20 },
      lastEventAt: 1_000,
    })
    expect(live.nodes['3']).toEqual({ class_type: 'KSampler', state: 'running', started_at: 1_000, value: 2, max: 20 })
  })

  it('a step of the same node changes neither status nor node; a new node finishes the one before', () => {
    const live = newLiveRun('run-1', 'pending', null)
    applyProgressEvent(live, event(), 1_000)
    expect(applyProgressEvent(live, event({ value: 3, progress: 0.35 }), 1_100)).toEqual({
      statusChanged: false,
      nodeChanged: false,
    })
    expect(live.nodes['3']?.started_at).toBe(1_000)
    applyProgressEvent(live, event({ nodeId: '8', classType: 'VAEDecode', value: null, max: null }), 2_000)
    expect(live.nodes['3']).toMatchObject({ state: 'done', finished_at: 2_000 })
    expect(live.nodes['8']).toMatchObject({ state: 'running', started_at: 2_000 })
    expect(live.nodeProgress).toBeNull()
  })

  it('a move to another server counts as a status change', () => {
    const live = newLiveRun('run-1', 'pending', null)
    applyProgressEvent(live, event(), 1_000)
    expect(applyProgressEvent(live, event({ serverId: 's1', value: 0 }), 1_500).statusChanged).toBe(true)
    expect(live.serverId).toBe('s1')
  })

  it('folds get_status snapshots of an open run, and ignores a final one (the result says how it ended)', () => {
    const live = newLiveRun('run-1', 'pending', null)
    const snapshot = {
      status: 'queued',
      server: { id: 's2', name: 'gpu-2', address: 'http://x' },
      progress: 0,
      current_node: null,
      node_progress: null,
      nodes: { '4': { class_type: 'CheckpointLoaderSimple', state: 'pending' } },
    } as unknown as RunStatus
    expect(applyStatusSnapshot(live, snapshot)).toBe(true)
    expect(live).toMatchObject({ status: 'queued', serverId: 's2' })
    expect(applyStatusSnapshot(live, snapshot)).toBe(false)
    expect(applyStatusSnapshot(live, { ...snapshot, status: 'completed' })).toBe(false)
    expect(live.status).toBe('queued')
  })
})
