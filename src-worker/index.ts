/**
 * Worker process entry. Forked by main (boot config + server updates over the parent port), or run
 * standalone on a GPU host of a remote cluster: `node out/main/worker.js --config worker.json`.
 */
import { join } from 'node:path'
import type { MainToWorker, WorkerBootConfig, WorkerServer, WorkerToMain } from '../src-shared/contract/worker-protocol'
import { parseStrict } from '../src-shared/cli/strict-args'
import type { LogFn } from './activities/deps'
import { connectTemporalPatiently, createEngineWorker, type EngineWorker } from './engine-worker'
import { LOG_LEVEL_ENV, logThreshold, withThreshold } from '../src-shared/log/log-level'
import { installRuntimeLogger } from './runtime-logger'
import { connectParentPort, type ParentPort } from './parent-port'
import { portSink } from './port-sink'
import type { ProgressSink } from './progress-sink'
import { runStandalone, workerIdentity } from './standalone'

/**
 * Main restarts the worker with backoff when it dies, but a worker started while the embedded Temporal
 * server is itself restarting would die only to be started again: it waits for Temporal instead, within
 * main's 60 s ready timeout, and fails (main's supervisor takes over) only after that.
 */
const CONNECT_PATIENCE = { initialMs: 250, maxMs: 4_000, giveUpAfterMs: 45_000 }

async function boot(
  config: WorkerBootConfig,
  sink: ProgressSink,
  log: LogFn,
  servers: WorkerServer[],
  send?: (m: WorkerToMain) => void,
  ownsWholeFarm = true
): Promise<EngineWorker> {
  const connection = await connectTemporalPatiently(config.temporal, log, CONNECT_PATIENCE)
  if (connection === null) throw new Error('internal: stopped while connecting without a stop signal')
  return await createEngineWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    imagesDir: join(config.dataDir, 'images'),
    sink: config.previews ? sink : { ...sink, preview: () => undefined },
    log,
    workflowBundlePath: config.workflowBundlePath,
    servers,
    onSlots: send === undefined ? undefined : (usage) => send({ type: 'slots', usage }),
    ownsWholeFarm,
    // One of many workers (remote cluster): claim the servers main gave us, farm-wide.
    claimOwner: ownsWholeFarm ? undefined : workerIdentity(config.dataDir),
  })
}

/** Moves the runs off a server main is removing (none to move while the engine is still booting). */
async function evacuate(
  engine: EngineWorker | null,
  serverId: string
): Promise<{ moved: string[]; remaining: string[] }> {
  if (engine === null) return { moved: [], remaining: [] }
  const result = await engine.pool.evacuate(serverId)
  // Last chance to clean up prompts abandoned there earlier: once removed, nobody will.
  await engine.janitor.sweep(serverId)
  return result
}

/** Forked by main: wait for `boot`, follow `servers`, stop on `shutdown`. */
function attached(port: ParentPort): void {
  let engine: EngineWorker | null = null
  let servers: WorkerServer[] = []
  const toMain: LogFn = (level, message) => port.send({ type: 'log', level, message })
  const threshold = logThreshold(process.env[LOG_LEVEL_ENV])
  const log = withThreshold(toMain, threshold)
  installRuntimeLogger(log, threshold)
  const fatal = (error: unknown): void => {
    port.send({ type: 'fatal', message: error instanceof Error ? (error.stack ?? error.message) : String(error) })
    setTimeout(() => process.exit(1), 100)
  }
  port.onMessage((raw) => {
    const message = raw as MainToWorker
    switch (message.type) {
      case 'boot':
        if (engine !== null) return
        boot(message.config, portSink(port), log, servers, (m) => port.send(m), message.config.ownsWholeFarm ?? true)
          .then((started) => {
            engine = started
            // The worker's own up/down marks reach main, whose health monitor re-checks the server at once.
            started.directory.on('health', (mark) => port.send({ type: 'server-health', ...mark }))
            // Server lists that arrived while booting.
            started.directory.update(servers)
            const running = started.run()
            port.send({ type: 'ready', pid: process.pid, taskQueue: message.config.taskQueue })
            return running.then(() => process.exit(0))
          })
          .catch(fatal)
        return
      case 'servers':
        servers = message.servers
        engine?.directory.update(servers)
        return
      case 'evacuate':
        void evacuate(engine, message.serverId).then(({ moved, remaining }) =>
          port.send({ type: 'evacuated', requestId: message.requestId, serverId: message.serverId, moved, remaining })
        )
        return
      case 'shutdown':
        if (engine === null) process.exit(0)
        engine.shutdown()
        return
    }
  })
  process.on('uncaughtException', fatal)
  // Main died without saying shutdown (kill -9, crash): do not live on as an orphan holding slots.
  // Running prompts are left on ComfyUI; the next worker reattaches to them.
  process.on('disconnect', () => {
    if (engine === null) process.exit(0)
    engine.shutdown()
    setTimeout(() => process.exit(0), 10_000).unref()
  })
}

const USAGE = 'Usage: node out/main/worker.js --config <worker.json>   (standalone; the app starts it without flags)'

/** The standalone worker's one flag; anything else (a typo such as --confg) exits 2 naming it. */
function configFlag(argv: readonly string[]): string | undefined {
  try {
    return parseStrict(argv, { config: { type: 'string' } }, false).values.config
  } catch (e) {
    console.error(`ComfyFleet worker: ${(e as Error).message}\n${USAGE}`)
    process.exit(2)
  }
}

function main(): void {
  // Electron's utilityProcess may carry its own switches in argv; the app never passes flags, so only
  // a worker started by hand or by fork has its command line checked.
  const electronChild = (process as NodeJS.Process & { parentPort?: unknown }).parentPort !== undefined
  const configPath = electronChild ? undefined : configFlag(process.argv.slice(2))
  if (configPath !== undefined) {
    runStandalone(configPath)
      // Exit even if a socket is still open: the service manager restarts us if it should.
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(error instanceof Error ? error.message : error)
        process.exit(1)
      })
    return
  }
  const port = connectParentPort()
  if (port === null) {
    console.error('ComfyFleet worker: start it from the app, or standalone with --config <worker.json>')
    process.exit(2)
  }
  attached(port)
}

main()
