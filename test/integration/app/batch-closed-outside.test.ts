/**
 * A batch workflow closed by Temporal without its code seeing the end (terminated here; in the field, a
 * batch cancelled while its workflow tasks failed on an oversized message) used to stay listed as running
 * forever, because its get_status replays to its last in-flight counts. The app must list it as ended.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { ComfyFleetClient } from '../../../sdk'
import { SimServer } from '../../../sim'
import type { AppCore } from '../../../src-main/core/app-core'
import { ROOT, startCoreWithServer, until } from '../../helpers/app'

let sim: SimServer
let core: AppCore
let fleet: ComfyFleetClient

beforeAll(async () => {
  sim = new SimServer({
    name: 'slow-gpu',
    models: { checkpoints: ['v1-5-pruned-emaonly.safetensors'] },
    timing: { stepMs: 200 },
  })
  await sim.start()
  ;({ core, fleet } = await startCoreWithServer(sim))
})

afterAll(async () => {
  await core?.stop()
  await sim?.stop()
})

test('a batch terminated in Temporal is listed as ended, its unreported runs counted', async () => {
  const prompt = JSON.parse(
    readFileSync(join(ROOT, 'test/fixtures/workflows/basic-api-example.api.json'), 'utf8')
  ) as unknown
  const { batch_ids } = await fleet.submit(prompt as Record<string, unknown>, { seeds: '1..6' })
  const batchId = batch_ids[0]!
  await until(
    async () => (await fleet.batches()).find((b) => b.id === batchId)?.status === 'running',
    30_000,
    'the batch listed as running'
  )
  await core.runClient!.client.workflow.getHandle(batchId).terminate('test: closed outside the workflow code')
  await until(
    async () => (await fleet.batches()).find((b) => b.id === batchId)?.status === 'failed',
    30_000,
    'the terminated batch listed as ended'
  )
  const batch = (await fleet.batches()).find((b) => b.id === batchId)!
  expect(batch.completed + batch.failed + batch.cancelled).toBe(6)
  expect(batch.running).toBe(0)
})
