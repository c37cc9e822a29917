/**
 * The standalone worker of a GPU host (`node out/main/worker.js --config worker.json`), run as a
 * service: it waits for Temporal with backoff instead of exiting, logs each server going down or up,
 * re-probes its servers every `probeIntervalMs`, and stops cleanly on SIGTERM/SIGINT (systemd's stop).
 */
import { hostname } from 'node:os'
import { join } from 'node:path'
import { probeServer } from '../src-shared/comfy/probe'
import type { WorkerServer } from '../src-shared/contract/worker-protocol'
import {
  DEFAULT_LOG_LEVEL,
  LOG_LEVEL_ENV,
  logThreshold,
  passes,
  type LogFn,
  type LogLevel,
} from '../src-shared/log/log-level'
import { installRuntimeLogger } from './runtime-logger'
import { connectTemporalPatiently, createEngineWorker, type EngineWorker } from './engine-worker'
import { readStandaloneConfig, type StandaloneConfig } from './standalone-config'

const CONNECT_BACKOFF = { initialMs: 1_000, maxMs: 30_000 }

/** Set from COMFYFLEET_LOG_LEVEL when the standalone worker starts. */
let threshold: LogLevel = DEFAULT_LOG_LEVEL
// The console, not a file: systemd's journal keeps and rotates what a service prints.
const log: LogFn = (level, message) => {
  if (passes(level, threshold)) console.log(`${new Date().toISOString()} [${level}] ${message}`)
}

/** Stable across restarts of this worker, different for every host and data dir (one owner per server). */
export function workerIdentity(dataDir: string): string {
  return `${hostname()}:${dataDir}`
}

/** Resolves when SIGTERM or SIGINT arrives (also while still connecting). */
function stopSignal(): { stopped: Promise<string>; isStopped: () => boolean } {
  let signalled: string | null = null
  const stopped = new Promise<string>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        signalled = signal
        resolve(signal)
      })
    }
  })
  return { stopped, isStopped: () => signalled !== null }
}

/** Probes every server; logs each one whose state changed since the last probe. */
function serverProber(config: StandaloneConfig): () => Promise<WorkerServer[]> {
  const online = new Map<string, boolean>()
  return async () => {
    const servers = await Promise.all(config.servers.map((s) => probeServer(s)))
    for (const s of servers) {
      if (online.get(s.id) === s.online) continue
      online.set(s.id, s.online)
      if (s.online) log('info', `server ${s.name} (${s.address}) is up: ${s.gpu ?? 'no GPU info'}`)
      else log('warn', `server ${s.name} (${s.address}) is down: no answer to /system_stats and /object_info`)
    }
    return servers
  }
}

function logEngineHealth(engine: EngineWorker): void {
  engine.directory.on('health', (mark) => {
    const name = engine.directory.get(mark.serverId)?.name ?? mark.serverId
    if (mark.state === 'down')
      log('warn', `server ${name} stopped answering (${mark.reason ?? 'no reason'}); its runs move`)
    else log('info', `server ${name} answers again`)
  })
}

/** Runs the standalone worker until SIGTERM/SIGINT. @throws WorkerConfigError on a bad config. */
export async function runStandalone(configPath: string): Promise<void> {
  threshold = logThreshold(process.env[LOG_LEVEL_ENV])
  installRuntimeLogger(log, threshold)
  const config = readStandaloneConfig(configPath)
  const stop = stopSignal()
  const probe = serverProber(config)
  const servers = await probe()
  const connection = await connectTemporalPatiently(config.temporal, log, { ...CONNECT_BACKOFF, stopped: stop.stopped })
  if (connection === null) return log('info', 'stopped before Temporal was reached')
  const engine = await createEngineWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    imagesDir: join(config.dataDir, 'images'),
    sink: { progress: () => undefined, preview: () => undefined },
    log,
    workflowBundlePath: config.workflowBundlePath,
    servers,
    ownsWholeFarm: config.ownsWholeFarm,
    claimOwner: workerIdentity(config.dataDir),
  })
  logEngineHealth(engine)
  let probing = false
  const timer = setInterval(() => {
    if (probing) return // a slow probe never piles up behind itself
    probing = true
    void probe()
      .then((s) => engine.directory.update(s))
      .finally(() => (probing = false))
  }, config.probeIntervalMs)
  void stop.stopped.then((signal) => {
    log('info', `${signal}: stopping (running prompts stay on ComfyUI; the next worker reattaches)`)
    engine.shutdown()
  })
  log('info', `worker running on task queue ${config.taskQueue} at ${config.temporal.address}`)
  try {
    await engine.run()
  } finally {
    clearInterval(timer)
    await connection.close()
  }
}
