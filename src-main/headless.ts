/**
 * Headless mode: the same core as the desktop app, without Electron. It serves the renderer and
 * the local API on 127.0.0.1 (port 8001 by default) and prints a one-time sign-in link to open.
 */
import { join } from 'node:path'
import { AppCore } from './core/app-core'
import { argValue, resolveHeadlessDataDir } from './settings/data-dir'
import { nodeForker } from './worker-host/worker-child'

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  if (argv.includes('--help')) {
    console.log(
      'Usage: npm run serve -- [--data-dir DIR] [--port 8001] [--host 127.0.0.1] [--temporal-port 7233]\n' +
        'Data dir: --data-dir, else $COMFYFLEET_DATA_DIR, else ~/.comfyfleet'
    )
    return
  }
  const root = join(__dirname, '..', '..')
  const port = argValue(argv, '--port')
  const temporalPort = argValue(argv, '--temporal-port')
  const core = new AppCore({
    mode: 'headless',
    dataDir: resolveHeadlessDataDir(argv, process.env),
    projectRoot: root,
    resourcesPath: null,
    workerEntry: join(__dirname, 'worker.js'),
    workflowBundlePath: join(root, 'resources', 'workflow-bundle.js'),
    forker: nodeForker,
    staticDir: join(__dirname, '..', 'renderer'),
    version: process.env.npm_package_version ?? '0.1.0',
    overrides: {
      apiPort: port === null ? undefined : parsePort(port, '--port'),
      apiHost: argValue(argv, '--host') ?? undefined,
      temporalPort: temporalPort === null ? undefined : parsePort(temporalPort, '--temporal-port'),
    },
    log: (m) => console.log(`[comfyfleet] ${m}`),
  })
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    console.log('[comfyfleet] stopping…')
    void core.stop().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  await core.start()
  const info = core.info()
  console.log(`[comfyfleet] data dir: ${info.dataDir}`)
  console.log(
    `[comfyfleet] Temporal (${info.temporal.mode}): ${info.temporal.address}${info.temporal.uiUrl ? `, UI ${info.temporal.uiUrl}` : ''}`
  )
  console.log(`[comfyfleet] API token: ${core.tokenPath}`)
  // The link carries a one-time code: it signs this browser in once, then opens nothing.
  console.log(`ComfyFleet is ready: open ${core.loginUrl() ?? info.localApi.url}`)
}

function parsePort(text: string, flag: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`${flag} must be a port number 0–65535, not ${JSON.stringify(text)}`)
    process.exit(2)
  }
  return n
}

main().catch((e: unknown) => {
  console.error(`ComfyFleet could not start: ${(e as Error).message ?? String(e)}`)
  process.exit(1)
})
