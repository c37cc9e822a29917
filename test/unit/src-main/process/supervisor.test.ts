import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import type { ProcessState } from '../../../../src-shared/contract'
import { Backoff } from '../../../../src-main/process/backoff'
import {
  ExitedBeforeReady,
  spawnedChild,
  Supervisor,
  type SupervisedChild,
} from '../../../../src-main/process/supervisor'

interface NodeChild extends SupervisedChild {
  process: ChildProcess
}

/** A node child running `script`; it is ready when it prints "ready". */
function nodeChild(script: string, command = process.execPath): NodeChild {
  const child = spawn(command, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  return { ...spawnedChild(child), process: child }
}

function untilPrinted(child: NodeChild, text: string): Promise<void> {
  return new Promise((resolve) => {
    child.process.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes(text)) resolve()
    })
  })
}

const running: Supervisor<NodeChild>[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()))
})

function supervise(script: string, extra: { stopTimeoutMs?: number; command?: string } = {}): Supervisor<NodeChild> {
  const s = new Supervisor<NodeChild>({
    label: 'Test child',
    spawn: () => nodeChild(script, extra.command),
    waitReady: (child) => untilPrinted(child, 'ready'),
    readyMeans: () => 'print ready',
    readyTimeoutMs: 10_000,
    stopTimeoutMs: extra.stopTimeoutMs ?? 5_000,
    backoff: new Backoff(10, 50),
  })
  running.push(s)
  return s
}

const READY_AND_WAIT = "console.log('ready'); setInterval(() => {}, 1000)"

describe('Supervisor', () => {
  it('stops with SIGTERM, and SIGKILLs a child that ignores it after the grace period', async () => {
    const polite = supervise(READY_AND_WAIT)
    await polite.launch()
    const politeExit = once(polite.child!.process, 'exit')
    await polite.stop()
    expect((await politeExit)[1]).toBe('SIGTERM')

    const stubborn = supervise(`process.on('SIGTERM', () => {}); ${READY_AND_WAIT}`, { stopTimeoutMs: 300 })
    await stubborn.launch()
    const stubbornExit = once(stubborn.child!.process, 'exit')
    await stubborn.stop()
    expect((await stubbornExit)[1]).toBe('SIGKILL')
  })

  it('restarts a child that dies, with backoff, and says so', async () => {
    const s = supervise(READY_AND_WAIT)
    const states: ProcessState[] = []
    s.on('state', (state) => states.push(state))
    await s.launch()
    const first = s.child!.pid
    const restarted = once(s, 'restarted')
    s.child!.kill('SIGKILL')
    expect(await restarted).toEqual([1])
    expect(s.child!.pid).not.toBe(first)
    expect(states).toEqual(['starting', 'up', 'restarting', 'restarting', 'up'])
  })

  it('a child that exits before it is ready, or cannot start at all, rejects the launch with why', async () => {
    const dying = supervise('process.exit(3)')
    await expect(dying.launch()).rejects.toThrow(
      new ExitedBeforeReady('Test child exited with code 3 before it was ready')
    )
    const missing = supervise('', { command: '/nonexistent/comfyfleet-test-binary' })
    await expect(missing.launch()).rejects.toThrow(
      /Test child spawn \/nonexistent\/comfyfleet-test-binary ENOENT before/
    )
  })
})
