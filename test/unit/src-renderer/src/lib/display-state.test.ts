import { describe, expect, test } from 'vitest'
import { isUserCancel, runDisplay } from '../../../../../src-renderer/src/lib/display-state'

describe('run display state', () => {
  test('queued on a server reads differently from waiting for a slot and from running', () => {
    expect(runDisplay({ status: 'queued', serverName: 'gpu-1' }, 'online')).toMatchObject({
      state: 'queued',
      label: 'queued on server',
    })
    expect(runDisplay({ status: 'queued', serverName: null }, null).label).toBe('queued')
    expect(runDisplay({ status: 'running', serverName: 'gpu-1' }, 'online').label).toBe('running')
  })

  test('a live run whose server went offline is moving, not running', () => {
    const d = runDisplay({ status: 'running', serverName: 'gpu-1' }, 'offline')
    expect(d).toMatchObject({ state: 'moving', label: 'moving' })
    expect(d.title).toContain('gpu-1 stopped answering')
    expect(runDisplay({ status: 'completed', serverName: 'gpu-1' }, 'offline').state).toBe('completed')
  })

  test("the user's own cancel is not an error", () => {
    expect(isUserCancel({ kind: 'cancelled', message: 'Cancelled' })).toBe(true)
    expect(isUserCancel({ kind: 'execution', message: 'boom' })).toBe(false)
  })
})
