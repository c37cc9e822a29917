/**
 * A desktop in remote mode tracks runs on several GPU hosts. When one host's worker is killed, every
 * query to a workflow that worker held waits on its sticky queue, and with no worker left on its task
 * queue fails only after ~29 s. The tracker's poll must not be held by them: another host's run keeps
 * showing its live state (its sampler step), and its batch its counts, while they run.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Client, Connection } from '@temporalio/client'
import { txt2img } from '../../../sim/samples/txt2img'
import type { Cache } from '../../../src-main/cache'
import { EventHub } from '../../../src-main/core/event-hub'
import { RunClient } from '../../../src-main/runs/run-client'
import { RunTracker } from '../../../src-main/runs/run-tracker'
import type { BatchSummary, RunProgressEvent } from '../../../src-shared/contract'
import type { ApiPrompt } from '../../../src-shared/contract/runs'
import { BlobStore } from '../../../src-shared/storage/blob-store'
import { withCache } from '../../helpers/cache-fixtures'
import { HOST_CKPT, type Host, startHost, stopHost } from '../../helpers/standalone-host'
import { untilValue } from '../../helpers/until'
import { DevServer, quietRuntime } from '../engine/helpers'

const tag = Math.random().toString(36).slice(2, 8)
let temporal: DevServer
let connection: Connection
let dead: Host
let alive: Host
let cache: { cache: Cache; cleanup: () => void }
let tracker: RunTracker | null = null

beforeAll(async () => {
  quietRuntime()
  temporal = new DevServer()
  await temporal.start()
  // Each host on its own task queue, so each run's workflow is held by the host it was started for.
  const host = (id: string): Promise<Host> =>
    startHost({ id, temporalAddress: temporal.address, taskQueue: `${id}-${tag}`, stepMs: 100 })
  ;[dead, alive] = await Promise.all([host('dying'), host('staying')])
  connection = await Connection.connect({ address: temporal.address })
  cache = withCache()
}, 120_000)

afterAll(async () => {
  tracker?.stop()
  await connection?.close()
  for (const h of [dead, alive]) if (h) await stopHost(h)
  await temporal?.stop()
  cache?.cleanup()
})

function runsOn(host: Host): RunClient {
  const payloads = new BlobStore(mkdtempSync(join(tmpdir(), 'tracker-payloads-')))
  return new RunClient(new Client({ connection }), `${host.id}-${tag}`, payloads)
}

const one = { kind: 'count', count: 1 } as const

/** A run of `steps` sampler steps of 100 ms: long enough to be watched while it runs. */
function prompt(seed: number, steps: number): ApiPrompt {
  return txt2img({ ckpt: HOST_CKPT, text: 'a slow lantern', steps, seed, prefix: 'tracker' })
}

it("keeps showing a live run's step and a live batch's counts while a killed host's workflows do not answer", async () => {
  const dying = runsOn(dead)
  const held = await Promise.all([1, 2, 3].map((seed) => dying.startRun({ prompt: prompt(seed, 600) })))
  const heldBatches = await Promise.all([1, 2].map(() => dying.startBatch({ prompt: prompt(4, 600), sweep: one })))
  // Each batch's first task done (its child started), so the batch too is held by the dying worker.
  for (const b of heldBatches)
    await untilValue(`batch ${b.batchId} under way`, async () => (await dying.getBatchStatus(b.batchId)).total === 1)
  await untilValue('runs under way on the dying host', () => dead.sim.stats().running !== null)
  dead.worker.kill('SIGKILL')

  const hub = new EventHub()
  const steps: RunProgressEvent[] = []
  const counts: BatchSummary[] = []
  hub.subscribe((channel, payload) => {
    if (channel === 'runs:progress') steps.push(payload as RunProgressEvent)
    if (channel === 'batches:changed') counts.push(payload as BatchSummary)
  })
  const fleet = { list: () => [], objectInfo: () => null }
  const staying = runsOn(alive)
  tracker = new RunTracker({
    runs: () => staying,
    cache: cache.cache,
    hub,
    fleet,
    log: () => undefined,
    localWorkersOnly: () => false,
  })
  // The held runs and batches first: the tracker asks about them before the live ones.
  for (const [i, r] of held.entries())
    tracker.recordNewRun({
      id: r.runId,
      workflowId: r.workflowId,
      name: `held ${i}`,
      prompt: prompt(i, 600),
      workflow: null,
      batchId: null,
    })
  for (const [i, b] of heldBatches.entries())
    tracker.recordNewBatch({
      id: b.batchId,
      name: `held batch ${i}`,
      prompt: prompt(4, 600),
      workflow: null,
      sweep: one,
    })
  const live = await staying.startRun({ prompt: prompt(9, 400) })
  tracker.recordNewRun({
    id: live.runId,
    workflowId: live.workflowId,
    name: 'live',
    prompt: prompt(9, 400),
    workflow: null,
    batchId: null,
  })
  const liveBatch = await staying.startBatch({ prompt: prompt(10, 400), sweep: one })
  tracker.recordNewBatch({
    id: liveBatch.batchId,
    name: 'live batch',
    prompt: prompt(10, 400),
    workflow: null,
    sweep: one,
  })
  tracker.start()

  // 400 steps of 100 ms: ~40 s of sampling. Held queries asked one after another take ~29 s each before
  // the live ones' turn; asked at once, or each with a deadline, the live state shows within seconds.
  const seen = await untilValue(
    "the live run's sampler step",
    () => steps.find((s) => s.runId === live.runId && s.value !== null && s.value > 0),
    30_000
  )
  expect(seen).toMatchObject({ classType: 'KSampler', max: 400 })
  const batchSeen = await untilValue(
    "the live batch's running child",
    () => counts.find((c) => c.id === liveBatch.batchId && c.running === 1),
    30_000
  )
  expect(batchSeen).toMatchObject({ total: 1, completed: 0, status: 'running' })
  expect(alive.sim.stats().completed).toBe(0) // both seen while they run, not from their end
}, 120_000)
