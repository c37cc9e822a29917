/**
 * One owner per server, enforced through Temporal: two workers configured with the same ComfyUI
 * address; the first claims it, the second sees it owned elsewhere and leaves it alone, and takes it
 * over once the first releases it (a clean stop).
 */
import { NativeConnection } from '@temporalio/worker'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WorkerServer } from '../../../src-shared/contract/worker-protocol'
import { ServerClaims } from '../../../src-worker/scheduler/server-claims'
import { ServerDirectory } from '../../../src-worker/scheduler/server-directory'
import { SlotPool } from '../../../src-worker/scheduler/slot-pool'
import { claimWorkflowId, getServerQuery } from '../../../src-worker/workflows/server-claim-defs'
import { startEngine, startRig, waitFor, type Rig, type RunningEngine } from './helpers'

let rig: Rig
let engine: RunningEngine
const connections: NativeConnection[] = []

beforeAll(async () => {
  rig = await startRig()
  // Runs the claim workflows' tasks (any worker of the task queue does).
  engine = await startEngine(rig, [])
})

afterAll(async () => {
  await engine?.stop()
  for (const c of connections) await c.close()
  await rig?.close()
})

const server: WorkerServer = {
  id: 'gpu0',
  name: 'gpu0',
  address: 'http://127.0.0.1:18188',
  slots: 2,
  accepting: true,
  online: true,
  capabilities: null,
  vramFree: 1,
  vramTotal: 2,
  gpu: 'sim',
}

async function worker(owner: string): Promise<{ directory: ServerDirectory; claims: ServerClaims }> {
  const connection = await NativeConnection.connect({ address: rig.temporal.address })
  connections.push(connection)
  const directory = new ServerDirectory()
  directory.update([server])
  const pool = new SlotPool(directory)
  const claims = new ServerClaims({
    connection,
    namespace: 'default',
    taskQueue: rig.taskQueue,
    owner,
    directory,
    pool,
    log: () => undefined,
  })
  return { directory, claims }
}

describe('server claims', () => {
  it('give a server to one worker, and to the next once the first lets go', async () => {
    const a = await worker('host-a:/data')
    expect(a.directory.isUsable('gpu0')).toBe(false) // not before the claim is known to be ours
    a.claims.start()
    await waitFor('host a to own the server', () => a.directory.isUsable('gpu0'), 20_000)

    const b = await worker('host-b:/data')
    b.claims.start()
    await waitFor('host b to see the owner', () => b.directory.ownedElsewhere('gpu0') === 'host-a:/data', 20_000)
    expect(b.directory.isUsable('gpu0')).toBe(false)
    const state = await rig.client.workflow.getHandle(claimWorkflowId(server.address)).query(getServerQuery)
    expect(state).toMatchObject({ owner: 'host-a:/data', report: { name: 'gpu0', online: true, slots: 2 } })

    await a.claims.stop()
    await waitFor('host b to take the server over', () => b.directory.isUsable('gpu0'), 30_000)
    await b.claims.stop()
  }, 90_000)
})
