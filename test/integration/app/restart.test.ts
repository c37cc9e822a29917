import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { ComfyFleetClient } from '../../../sdk'
import { SimServer } from '../../../sim'
import type { AppCore } from '../../../src-main/core/app-core'
import { ROOT, startCore, until } from '../../helpers/app'

const CKPT = 'v1-5-pruned-emaonly.safetensors'
const cores: AppCore[] = []
let sim: SimServer

afterAll(async () => {
  for (const c of cores) await c.stop().catch(() => undefined)
  await sim?.stop()
})

function prompt(text: string, steps: number): Record<string, unknown> {
  const p = JSON.parse(
    readFileSync(join(ROOT, 'test/fixtures/workflows/basic-api-example.api.json'), 'utf8')
  ) as Record<string, { inputs: Record<string, unknown> }>
  p['6']!.inputs.text = text
  p['3']!.inputs.steps = steps
  return p
}

test('the app stopped mid-batch and started again on the same data dir: the batch finishes, once, and history has it all', async () => {
  sim = new SimServer({ name: 'restart-gpu', models: { checkpoints: [CKPT] }, timing: { stepMs: 60 } })
  await sim.start()
  const first = await startCore()
  cores.push(first)
  const dataDir = first.info().dataDir
  const fleet1 = new ComfyFleetClient({ url: first.info().localApi.url!, token: first.token })
  await fleet1.registerServer({ name: 'gpu', address: sim.url })
  await until(() => first.fleet.list()[0]?.health.state === 'online', 20_000, 'server online')
  const done = await fleet1.executeWorkflow(prompt('an orchard in spring', 2))
  expect(done.status).toBe('completed')
  const { batch_ids } = await fleet1.submit(prompt('a heron in reeds', 20), { seeds: '1..4' })
  // Stop while the batch is under way (the first child is sampling: 20 steps × 60 ms).
  await until(() => sim.stats().running !== null, 20_000, 'a child running')
  await first.stop()
  cores.length = 0

  const second = await startCore({ dataDir })
  cores.push(second)
  const fleet2 = new ComfyFleetClient({ url: second.info().localApi.url!, token: second.token })
  expect((await fleet2.history({ text: 'orchard' })).items).toHaveLength(1)
  await until(async () => (await fleet2.history({ text: 'heron' })).items.length === 4, 90_000, '4 heron images')
  await until(
    async () => (await fleet2.batches()).find((b) => b.id === batch_ids[0])?.status === 'completed',
    30_000,
    'batch completed'
  )
  const batch = (await fleet2.batches()).find((b) => b.id === batch_ids[0])!
  expect(batch).toMatchObject({ total: 4, completed: 4, failed: 0 })
  // Exactly once: every prompt the simulator completed, it completed one time.
  const counts = Object.values(sim.stats().executions)
  expect(counts).toHaveLength(5)
  expect(counts.every((n) => n === 1)).toBe(true)
  const seeds = (await fleet2.history({ text: 'heron' })).items.map((i) => i.seed).sort()
  expect(seeds).toEqual([1, 2, 3, 4])
})
