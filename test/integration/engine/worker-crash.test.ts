/**
 * The worker as a real child process (the same entry main forks), killed with SIGKILL mid-sampling (or after
 * a prompt that left no history) and started again: the run completes, executed exactly once.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MainToWorker, WorkerServer, WorkerToMain } from '../../../src-shared/contract/worker-protocol'
import type { SimServer } from '../../../sim'
import { executions, startRig, startSims, txt2img, waitFor, workerBundle, workerServers, type Rig } from './helpers'

const ENTRY = join(__dirname, '../../../src-worker/index.ts')

let rig: Rig
let sims: SimServer[]
let servers: WorkerServer[]
let bundle: string
const children: ChildProcess[] = []

beforeAll(async () => {
  rig = await startRig()
  sims = await startSims([1, 1].map(() => ({ timing: { stepMs: 25, nodeMs: 2, loadMs: 5 } })))
  servers = await workerServers(sims)
  bundle = await workerBundle()
})

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  await Promise.all((sims ?? []).map((s) => s.stop()))
  await rig?.close()
})

/** Forks the worker entry exactly as main does, boots it, and resolves once it reports ready. */
/** The placement record of the run's execute activity, as its last heartbeat left it in Temporal. */
async function heartbeatRecord(workflowId: string): Promise<{ endedWithoutHistory?: unknown } | undefined> {
  const described = await rig.runs.client.workflow.getHandle(workflowId).describe()
  const data = described.raw.pendingActivities?.[0]?.heartbeatDetails?.payloads?.[0]?.data
  return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as { endedWithoutHistory?: unknown }) : undefined
}

async function forkWorker(): Promise<{ child: ChildProcess; messages: WorkerToMain[] }> {
  const child = fork(ENTRY, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  })
  children.push(child)
  // Drain stderr (a full pipe would block the child), keeping the tail for failure messages.
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)))
  const messages: WorkerToMain[] = []
  child.on('message', (m) => messages.push(m as WorkerToMain))
  const send = (m: MainToWorker): void => void child.send(m)
  send({
    type: 'boot',
    config: {
      temporal: { address: rig.temporal.address, namespace: 'default', tls: null, apiKey: null },
      taskQueue: rig.taskQueue,
      dataDir: rig.dataDir,
      workflowBundlePath: bundle,
      previews: false,
    },
  })
  send({ type: 'servers', servers })
  await waitFor(
    'the worker to be ready',
    () => {
      const fatal = messages.find((m) => m.type === 'fatal')
      if (fatal !== undefined) throw new Error(`${JSON.stringify(fatal)}\n${stderr}`)
      return messages.some((m) => m.type === 'ready')
    },
    60_000
  )
  return { child, messages }
}

describe('kill -9 of the worker process mid-run', () => {
  it('a restarted worker reattaches to the running prompt on the same server; executed exactly once', async () => {
    const first = await forkWorker()
    const { workflowId } = await rig.runs.startRun({ prompt: txt2img({ steps: 400 }) })
    const running = await waitFor('the sampler to run', async () => {
      const status = await rig.runs.getStatus(workflowId)
      return status.current_node?.class_type === 'KSampler' && (status.node_progress?.value ?? 0) > 0
        ? status
        : undefined
    })
    expect(first.messages.some((m) => m.type === 'run-progress')).toBe(true)
    first.child.kill('SIGKILL')
    await waitFor('the worker to die', () => first.child.exitCode !== null || first.child.signalCode !== null)

    const second = await forkWorker()
    const result = await rig.runs.result(workflowId)
    const promptId = running.prompt_id ?? ''
    expect(result.promptId).toBe(promptId)
    expect(result.serverId).toBe(running.server?.id)
    expect(result.attempt).toBe(2)
    expect(executions(sims, promptId)).toBe(1)
    // Reattached, not resubmitted: the server started it once.
    const started = sims.reduce((sum, s) => sum + (s.stats().started[promptId] ?? 0), 0)
    expect(started).toBe(1)
    expect(result.outputs).toHaveLength(1)
    expect(second.messages.some((m) => m.type === 'log' && m.message.includes('reattached'))).toBe(true)
    second.child.send({ type: 'shutdown' } satisfies MainToWorker)
    await waitFor('the worker to exit', () => second.child.exitCode !== null, 30_000)
  })

  it('after a prompt that succeeded but left no history (bughunt/history-lost-after-success): not run again', async () => {
    // Output files stall from the start: the worker fetches them as soon as the socket names them.
    for (const sim of sims) sim.setFaults({ forgetHistory: true, slowViewMs: 60_000 })
    const first = await forkWorker()
    const { workflowId } = await rig.runs.startRun({ prompt: txt2img({ steps: 40, seed: 5 }) })
    const promptId = await waitFor('the prompt to finish', async () => {
      const id = (await rig.runs.getStatus(workflowId)).prompt_id
      return id !== null && sims.some((s) => s.stats().executions[id] === 1) ? id : undefined
    })
    // From now on every answer stalls, so the run cannot complete before the kill: the worker keeps the
    // socket's result in its heartbeat (flushed every second), which Temporal holds for the next attempt.
    for (const sim of sims) sim.setFaults({ slowMs: 60_000 })
    await waitFor(
      'the result kept from the WebSocket',
      async () => (await heartbeatRecord(workflowId))?.endedWithoutHistory,
      60_000
    )
    first.child.kill('SIGKILL')
    await waitFor('the worker to die', () => first.child.exitCode !== null || first.child.signalCode !== null)
    for (const sim of sims) sim.setFaults({ slowMs: 0, slowViewMs: 0 })

    const second = await forkWorker()
    const result = await rig.runs.result(workflowId)
    expect(result.attempt).toBe(2)
    expect(result.outputs).toHaveLength(1)
    expect(result.promptId).toBe(promptId)
    expect(sims.reduce((sum, s) => sum + (s.stats().started[promptId] ?? 0), 0)).toBe(1)
    for (const sim of sims) sim.clearFaults()
    second.child.send({ type: 'shutdown' } satisfies MainToWorker)
    await waitFor('the worker to exit', () => second.child.exitCode !== null, 30_000)
  })
})
