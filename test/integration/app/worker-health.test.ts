/**
 * A server's health is decided in one place (main's health monitor) and the worker's own marks reach
 * it: when the worker sees a server stop answering mid-run, main re-checks it at once, so the UI shows
 * it offline long before the monitor's next scheduled probe (a minute here).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { SimServer } from '../../../sim'
import { txt2img } from '../../../sim/samples/txt2img'
import { AppCore } from '../../../src-main/core/app-core'
import { nodeForker } from '../../../src-main/worker-host/worker-child'
import { ROOT, until } from '../../helpers/app'

let core: AppCore | null = null
let sim: SimServer | null = null

afterAll(async () => {
  await core?.stop().catch(() => undefined)
  await sim?.stop().catch(() => undefined)
})

test("the worker's down mark reaches main and the UI without waiting for the health monitor's schedule", async () => {
  sim = new SimServer({ name: 'health-gpu', models: { checkpoints: ['v1-5-pruned-emaonly.safetensors'] } })
  await sim.start()
  core = new AppCore({
    mode: 'headless',
    dataDir: mkdtempSync(join(tmpdir(), 'cf-health-')),
    projectRoot: ROOT,
    resourcesPath: null,
    workerEntry: join(ROOT, 'out/main/worker.js'),
    workflowBundlePath: join(ROOT, 'resources/workflow-bundle.js'),
    forker: nodeForker,
    staticDir: null,
    version: 'test',
    overrides: { apiPort: 0, temporalPort: 0, temporalUiPort: 0 },
    // Main's own probe would not come round again within this test.
    fleetMonitor: { intervalMs: 120_000, backoffInitialMs: 120_000, backoffMaxMs: 120_000, timeoutMs: 1000 },
    log: () => undefined,
  })
  await core.start()
  const added = await core.fleet.add({ name: 'gpu', address: sim.url })
  if (!added.ok) throw new Error(added.error.message)
  await until(() => core!.fleet.list()[0]?.health.state === 'online', 20_000, 'server online')
  const changes: string[] = []
  core.hub.subscribe((channel, payload) => {
    if (channel === 'servers:changed') changes.push((payload as { health: { state: string } }[])[0]?.health.state ?? '')
  })
  // 2000 steps: the prompt is still running when the server goes away.
  const prompt = txt2img({
    ckpt: 'v1-5-pruned-emaonly.safetensors',
    text: 'a storm',
    seed: 1,
    steps: 2000,
    prefix: 'health',
  })
  const submitted = await core.runService.submit({ text: JSON.stringify(prompt) })
  if (!submitted.ok) throw new Error(submitted.error.message)
  await until(() => sim!.stats().running !== null, 20_000, 'the prompt running')
  await sim.stop()
  await until(() => core!.fleet.list()[0]?.health.state !== 'online', 15_000, 'main to see the server down')
  expect(changes).toContain(core.fleet.list()[0]?.health.state)
}, 120_000)
