import { resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { nodeForker } from '../../../../src-main/worker-host/worker-child'
import { memoryEnv } from '../../../../src-main/process/memory-flags'

interface Reported {
  heapLimitMb: number
  mallocArenaMax: string | null
}

const entry = resolve(__dirname, '../../../fixtures/processes/report-memory-settings.mjs')

function forkAndReport(): Promise<Reported> {
  return new Promise((done, fail) => {
    const child = nodeForker(entry, [])
    child.onMessage((m) => done(m as Reported))
    child.onExit((code) => fail(new Error(`the fixture exited with ${code} before reporting`)))
  })
}

describe('worker memory settings', () => {
  test('the forked worker runs with a heap limit fitted to it, not to the machine, and two malloc arenas', async () => {
    const reported = await forkAndReport()
    // 192 MB old space plus the young generation: far below the RAM-derived default (GBs on a dev machine).
    expect(reported.heapLimitMb).toBeGreaterThanOrEqual(192)
    expect(reported.heapLimitMb).toBeLessThan(256)
    expect(reported.mallocArenaMax).toBe(process.env.MALLOC_ARENA_MAX ?? '2')
  })

  test("a user's own MALLOC_ARENA_MAX is kept, and the parent's env is copied, not shared", () => {
    const parent = { MALLOC_ARENA_MAX: '4', PATH: '/bin' }
    const env = memoryEnv(parent)
    expect(env).toEqual({ MALLOC_ARENA_MAX: '4', PATH: '/bin' })
    expect(env).not.toBe(parent)
    expect(memoryEnv({ PATH: '/bin' }).MALLOC_ARENA_MAX).toBe('2')
  })
})
