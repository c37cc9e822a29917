import { describe, expect, test } from 'vitest'
import type { ServerView } from '../../../../../src-shared/contract'
import { createAppStore } from '../../../../../src-renderer/src/store'
import { nextNodeStatus } from '../../../../../src-renderer/src/store/progress-slice'
import { hashFromRoute, routeFromHash } from '../../../../../src-renderer/src/store/ui-slice'
import { run } from '../../../../helpers/renderer-fixtures'

describe('runs slice', () => {
  test('a progress-only summary update keeps the list arrays (no list re-render)', () => {
    const store = createAppStore()
    store.getState().setRuns([run('a', 'running', 1), run('b', 'pending', 2)])
    const before = store.getState()
    store.getState().upsertRun({ ...run('a', 'running', 1), progress: 0.4 })
    const after = store.getState()
    expect(after.activeItems).toBe(before.activeItems)
    expect(after.runsById.b).toBe(before.runsById.b)
    expect(after.runsById.a?.progress).toBe(0.4)
    expect(after.runningCount).toBe(1)
  })

  test('a status change regroups and updates counts', () => {
    const store = createAppStore()
    store.getState().setRuns([run('a', 'running', 1)])
    store.getState().upsertRun(run('a', 'completed', 1))
    expect(store.getState().activeItems).toEqual([])
    expect(store.getState().recentItems).toEqual(['run:a'])
    expect(store.getState().runningCount).toBe(0)
  })
})

describe('progress slice', () => {
  test('a tick replaces only the ticking run and node', () => {
    const store = createAppStore()
    store.getState().seedNodes('r1', {
      '3': { state: 'pending', class_type: 'KSampler' },
      '8': { state: 'pending', class_type: 'VAEDecode' },
    })
    store.getState().seedNodes('r2', { '3': { state: 'pending', class_type: 'KSampler' } })
    const before = store.getState()
    store
      .getState()
      .applyProgress(
        { runId: 'r1', nodeId: '3', classType: 'KSampler', nodeState: 'running', value: 5, max: 20, progress: 0.3 },
        1000
      )
    const after = store.getState()
    expect(after.nodeStates.r2).toBe(before.nodeStates.r2)
    expect(after.nodeStates.r1?.['8']).toBe(before.nodeStates.r1?.['8'])
    expect(after.nodeStates.r1?.['3']).toMatchObject({ state: 'running', value: 5, max: 20, started_at: 1000 })
    expect(after.liveProgress.r1?.progress).toBe(0.3)
  })

  test('node timing: start kept, finish stamped once', () => {
    const running = nextNodeStatus(
      undefined,
      { runId: 'r', nodeId: '1', classType: 'X', nodeState: 'running', value: null, max: null, progress: 0 },
      100
    )
    const done = nextNodeStatus(
      running,
      { runId: 'r', nodeId: '1', classType: null, nodeState: 'done', value: null, max: null, progress: 1 },
      350
    )
    expect(done).toMatchObject({ state: 'done', class_type: 'X', started_at: 100, finished_at: 350 })
  })
})

const server = (id: string, state: 'online' | 'offline'): ServerView => ({
  id,
  name: id,
  address: `http://${id}:8188`,
  enabled: true,
  draining: false,
  slots: 2,
  tags: [],
  createdAt: 0,
  updatedAt: 0,
  health: { state, device: null, queueRemaining: 0, latencyMs: 1, lastSeenAt: 0, error: null, comfyuiVersion: null },
  slotsInUse: 0,
  currentRunIds: [],
  speed: null,
  hasCapabilities: true,
})

describe('servers slice', () => {
  test('an unchanged server keeps its object; a changed one is replaced', () => {
    const store = createAppStore()
    store.getState().setServers([server('a', 'online'), server('b', 'online')])
    const before = store.getState()
    store.getState().setServers([server('a', 'online'), server('b', 'offline')])
    const after = store.getState()
    expect(after.serversById.a).toBe(before.serversById.a)
    expect(after.serversById.b?.health.state).toBe('offline')
    expect(after.serverIds).toBe(before.serverIds)
    store.getState().dropServer('a')
    expect(store.getState().serverIds).toEqual(['b'])
  })
})

describe('history slice', () => {
  test('pages of a superseded query are dropped', () => {
    const store = createAppStore()
    const gen = store.getState().startHistoryLoad()
    store.getState().setHistoryFilters({ text: 'cat' })
    store.getState().appendHistory(gen, [{ runId: 'x' } as never], null, true)
    expect(store.getState().historyItems).toEqual([])
    const gen2 = store.getState().startHistoryLoad()
    store.getState().appendHistory(gen2, [{ runId: 'y' } as never], 'next', true)
    expect(store.getState().historyItems).toHaveLength(1)
    expect(store.getState().historyDone).toBe(false)
  })
})

describe('toasts and routes', () => {
  test('at most five toasts, oldest dropped', () => {
    const store = createAppStore()
    for (let i = 0; i < 7; i++) store.getState().pushToast({ kind: 'info', message: `m${i}` })
    expect(store.getState().toasts.map((t) => t.message)).toEqual(['m2', 'm3', 'm4', 'm5', 'm6'])
  })

  test('hash routes round-trip', () => {
    for (const r of [{ name: 'runs' }, { name: 'run', id: 'a/b c' }, { name: 'history' }] as const)
      expect(routeFromHash(hashFromRoute(r))).toEqual(r)
    expect(routeFromHash('#/nonsense')).toEqual({ name: 'runs' })
  })
})

describe('sequential execution', () => {
  test('a node starting finishes the one that was running, and leaves others alone', () => {
    const store = createAppStore()
    const tick = (nodeId: string, nodeState: 'running' | 'done', at: number): void =>
      store
        .getState()
        .applyProgress({ runId: 'r', nodeId, classType: 'X', nodeState, value: null, max: null, progress: 0 }, at)
    tick('4', 'running', 10)
    tick('6', 'running', 20)
    const nodes = store.getState().nodeStates.r
    expect(nodes?.['4']).toMatchObject({ state: 'done', started_at: 10, finished_at: 20 })
    expect(nodes?.['6']).toMatchObject({ state: 'running', started_at: 20 })
    const before = store.getState().nodeStates.r?.['4']
    tick('6', 'running', 30)
    expect(store.getState().nodeStates.r?.['4']).toBe(before)
  })
})

describe('answers racing events', () => {
  test('an add answer does not undo the newer servers:changed that beat it', () => {
    const store = createAppStore()
    const online = server('a', 'online')
    store.getState().setServers([online])
    store.getState().upsertServer({ ...server('a', 'online'), health: { ...online.health, state: 'unknown' } })
    expect(store.getState().serversById.a?.health.state).toBe('online')
    store.getState().upsertServer({ ...server('a', 'online'), name: 'renamed', updatedAt: 5 })
    expect(store.getState().serversById.a).toMatchObject({ name: 'renamed', health: { state: 'online' } })
  })

  test('a stale runs:list does not move a run backwards', () => {
    const store = createAppStore()
    store.getState().upsertRun(run('a', 'completed', 1))
    store.getState().setRuns([run('a', 'running', 1)])
    expect(store.getState().runsById.a?.status).toBe('completed')
  })
})
