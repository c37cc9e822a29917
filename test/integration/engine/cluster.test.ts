/**
 * Two workers on one task queue, each owning its own server (one GPU host each): an in-process worker
 * and a standalone worker process started with `--config worker.json`. Runs spread over both, each
 * executes once, and a prompt only the second host can run ends up there.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SimServer } from '../../../sim'
import {
  executions,
  startEngine,
  startRig,
  startSims,
  txt2img,
  waitFor,
  workerBundle,
  workerServers,
  type Rig,
  type RunningEngine,
} from './helpers'

const ENTRY = join(__dirname, '../../../src-worker/index.ts')

let rig: Rig
let sims: SimServer[]
let local: RunningEngine
let remote: ChildProcess
let remoteOut = ''

beforeAll(async () => {
  rig = await startRig()
  const timing = { stepMs: 15, nodeMs: 2, loadMs: 5 }
  sims = await startSims([
    { timing },
    { timing, models: { checkpoints: ['v1-5-pruned-emaonly-fp16.safetensors', 'only-on-host-b.safetensors'] } },
  ])
  const [a] = await workerServers(sims.slice(0, 1))
  local = await startEngine(rig, a === undefined ? [] : [a], { ownsWholeFarm: false })

  const dir = mkdtempSync(join(tmpdir(), 'engine-standalone-'))
  const configPath = join(dir, 'worker.json')
  writeFileSync(
    configPath,
    JSON.stringify({
      temporal: { address: rig.temporal.address, namespace: 'default' },
      taskQueue: rig.taskQueue,
      dataDir: './data',
      workflowBundlePath: await workerBundle(),
      servers: [{ id: 'host-b', name: 'host-b', address: sims[1]?.url, slots: 2 }],
    })
  )
  remote = spawn(process.execPath, ['--import', 'tsx', ENTRY, '--config', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  remote.stdout?.on('data', (c: Buffer) => (remoteOut += c.toString()))
  remote.stderr?.on('data', (c: Buffer) => (remoteOut = (remoteOut + c.toString()).slice(-20_000)))
  await waitFor('the standalone worker to run', () => remoteOut.includes('worker running on task queue'), 60_000)
})

afterAll(async () => {
  remote?.kill('SIGTERM')
  await local?.stop()
  await Promise.all((sims ?? []).map((s) => s.stop()))
  await rig?.close()
})

describe('two workers, each owning its servers, on one task queue', () => {
  it('spread the runs over both hosts, each executed once', async () => {
    const ids = await Promise.all(
      Array.from({ length: 8 }, (_, i) => rig.runs.startRun({ prompt: txt2img({ steps: 30, seed: 500 + i }) }))
    )
    const results = await Promise.all(ids.map((r) => rig.runs.result(r.workflowId)))
    for (const r of results) expect(executions(sims, r.promptId)).toBe(1)
    expect(new Set(results.map((r) => r.serverId))).toEqual(new Set(['s0', 'host-b']))
    expect(remoteOut).toContain('host-b')
  })

  it('a prompt only one host can run completes there', async () => {
    const { workflowId } = await rig.runs.startRun({
      prompt: txt2img({ ckpt: 'only-on-host-b.safetensors' }),
      options: { retry: { initialIntervalMs: 100, maximumIntervalMs: 200, maximumAttempts: 50 } },
    })
    const result = await rig.runs.result(workflowId)
    expect(result.serverId).toBe('host-b')
    expect(sims[0]?.stats().accepted).toBe(sims[0]?.stats().completed)
  })
})
