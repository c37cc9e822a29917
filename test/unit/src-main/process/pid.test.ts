import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { isAlive, stopPid } from '../../../../src-main/process/pid'

describe('a process known only by its pid', () => {
  it('is stopped with SIGTERM, then SIGKILL when it ignores that, and is then not alive', async () => {
    const child = spawn(
      process.execPath,
      ['-e', "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000)"],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      }
    )
    await once(child.stdout, 'data')
    const pid = child.pid!
    const exited = once(child, 'exit')
    expect(isAlive(pid)).toBe(true)
    await stopPid(pid, 300)
    expect((await exited)[1]).toBe('SIGKILL')
    expect(isAlive(pid)).toBe(false)
  })

  it('counts this process as alive and nonsense pids as not', () => {
    expect(isAlive(process.pid)).toBe(true)
    expect(isAlive(0)).toBe(false)
    expect(isAlive(-1)).toBe(false)
    expect(isAlive(1.5)).toBe(false)
  })
})
