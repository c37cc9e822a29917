import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ComfyFleetClient } from '../../sdk'
import type { SimServer } from '../../sim'
import { AppCore, type AppCoreOptions } from '../../src-main/core/app-core'
import { nodeForker } from '../../src-main/worker-host/worker-child'
import { until } from './until'

export const ROOT = resolve(__dirname, '../..')

/**
 * The real app core as headless mode runs it (built worker + prebuilt workflow bundle: `npm test`
 * builds first), on free ports and a fresh data dir unless one is given.
 */
export async function startCore(
  opts: { dataDir?: string; overrides?: AppCoreOptions['overrides'] } = {}
): Promise<AppCore> {
  const core = new AppCore({
    mode: 'headless',
    dataDir: opts.dataDir ?? mkdtempSync(join(tmpdir(), 'cf-core-')),
    projectRoot: ROOT,
    resourcesPath: null,
    workerEntry: join(ROOT, 'out/main/worker.js'),
    workflowBundlePath: join(ROOT, 'resources/workflow-bundle.js'),
    forker: nodeForker,
    staticDir: join(ROOT, 'out/renderer'),
    version: 'test',
    overrides: { apiPort: 0, temporalPort: 0, temporalUiPort: 0, ...opts.overrides },
    fleetMonitor: { intervalMs: 300, backoffInitialMs: 200, backoffMaxMs: 1000, timeoutMs: 1000 },
    log: () => undefined,
  })
  await core.start()
  return core
}

export { until }

/**
 * The app core with `sim` registered through the local API as a user's script would, once its
 * /object_info is read (before that a workflow cannot be checked against the server): ready for work.
 */
export async function startCoreWithServer(sim: SimServer): Promise<{ core: AppCore; fleet: ComfyFleetClient }> {
  const core = await startCore()
  const fleet = new ComfyFleetClient({ url: core.info().localApi.url!, token: core.token })
  const s = await fleet.registerServer({ name: 'gpu', address: sim.url })
  await until(() => core.fleet.objectInfo(s.id) !== null, 30_000, 'object_info cached')
  return { core, fleet }
}
