/**
 * ComfyFleet as the benchmarks and the chaos suite drive it: the real AppCore (embedded Temporal dev
 * server, supervised worker process from out/main/worker.js, HTTP API) in this process, reached through
 * the SDK. Requires `npm run build` (out/main/worker.js, resources/workflow-bundle.js).
 */
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AppCore } from '../../src-main/core/app-core'
import { nodeForker } from '../../src-main/worker-host/worker-child'
import { ComfyFleetClient } from '../../sdk'
import type { ServerView } from '../../sdk'

export const PROJECT_ROOT = join(__dirname, '..', '..')

export interface FleetHandle {
  core: AppCore
  client: ComfyFleetClient
  dataDir: string
  /** Milliseconds from `new AppCore` to the worker polling with the API answering. */
  startMs: number
  stop(): Promise<void>
}

/** Builds are a precondition, not something a bench should do silently. */
export function assertBuilt(): void {
  for (const f of ['out/main/worker.js', 'resources/workflow-bundle.js']) {
    if (!existsSync(join(PROJECT_ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first`)
  }
}

/** Starts ComfyFleet headless on ephemeral ports with a fresh data dir; resolves when it is ready. */
export async function startFleet(opts: { dataDir?: string; log?: (m: string) => void } = {}): Promise<FleetHandle> {
  assertBuilt()
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'comfyfleet-bench-'))
  const t0 = performance.now()
  const core = new AppCore({
    mode: 'headless',
    dataDir,
    projectRoot: PROJECT_ROOT,
    resourcesPath: null,
    workerEntry: join(PROJECT_ROOT, 'out', 'main', 'worker.js'),
    workflowBundlePath: join(PROJECT_ROOT, 'resources', 'workflow-bundle.js'),
    forker: nodeForker,
    staticDir: null,
    version: 'bench',
    overrides: { apiPort: 0, temporalPort: 0, temporalUiPort: 0 },
    log: opts.log ?? (() => undefined),
    fleetMonitor: { intervalMs: 1000, backoffInitialMs: 200, backoffMaxMs: 2000 },
  })
  await core.start()
  await waitUntil('the worker to be running', () => core.info().worker.state === 'up', 60_000)
  const startMs = performance.now() - t0
  const url = core.info().localApi.url
  if (!url) throw new Error('ComfyFleet started without its local API')
  const client = new ComfyFleetClient({ url, token: core.token })
  return { core, client, dataDir, startMs, stop: () => core.stop() }
}

/** Registers simulated servers and waits until the fleet sees every one online with its capabilities. */
export async function registerServers(
  client: ComfyFleetClient,
  servers: Array<{ name: string; url: string }>,
  slots = 2
): Promise<ServerView[]> {
  for (const s of servers) await client.registerServer({ name: s.name, address: s.url, slots })
  return await waitUntil(
    'every server online',
    async () => {
      const views = await client.listServers()
      const ready = views.filter((v) => v.health.state === 'online' && v.hasCapabilities)
      return ready.length === servers.length ? views : undefined
    },
    30_000
  )
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Polls `check` every 25 ms until it gives a value (not undefined/false). */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown = null
  while (Date.now() < deadline) {
    try {
      const v = await check()
      if (v !== undefined && v !== false) return v
    } catch (e) {
      last = e
    }
    await sleep(25)
  }
  throw new Error(`Timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`)
}
