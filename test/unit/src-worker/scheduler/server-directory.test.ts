import { describe, expect, it } from 'vitest'
import type { WorkerServer } from '../../../../src-shared/contract/worker-protocol'
import { ServerDirectory, type ServerHealthMark } from '../../../../src-worker/scheduler/server-directory'
import { workerServer } from '../../../helpers/worker-server'

const server: WorkerServer = workerServer('g0', { address: 'http://127.0.0.1:1' })

describe('ServerDirectory health marks', () => {
  it('reports each down and up transition once, with the reason, and nothing for unknown servers', () => {
    const directory = new ServerDirectory()
    directory.update([server])
    const marks: ServerHealthMark[] = []
    directory.on('health', (m) => marks.push(m))
    directory.markDown('g0', 'ECONNREFUSED')
    directory.markDown('g0', 'again')
    directory.markDown('absent', 'x')
    expect(directory.isUsable('g0')).toBe(false)
    directory.markUp('g0')
    directory.markUp('g0')
    expect(marks).toEqual([
      { serverId: 'g0', state: 'down', reason: 'ECONNREFUSED' },
      { serverId: 'g0', state: 'up', reason: null },
    ])
    expect(directory.isUsable('g0')).toBe(true)
  })
})
