import { describe, expect, test } from 'vitest'
import { applyProgressEvent, newLiveRun } from '../../../../src-main/runs/live-run'

describe('a prompt waiting in a ComfyUI queue', () => {
  const queued = {
    runId: 'run-1',
    runState: 'queued' as const,
    serverId: 's0',
    nodeId: null,
    classType: null,
    nodeState: null,
    value: null,
    max: null,
    progress: 0,
  }

  test('is queued on its server, not running, until the engine says it started', () => {
    const live = newLiveRun('run-1', 'pending', null)
    expect(applyProgressEvent(live, queued, 1_000).statusChanged).toBe(true)
    expect(live).toMatchObject({ status: 'queued', serverId: 's0' })
    const started = { ...queued, runState: 'running' as const, nodeId: '4', classType: 'CheckpointLoaderSimple' }
    expect(applyProgressEvent(live, { ...started, nodeState: 'running' }, 2_000).statusChanged).toBe(true)
    expect(live.status).toBe('running')
  })
})
