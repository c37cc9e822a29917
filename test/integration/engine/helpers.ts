/**
 * Test rig of the engine suite: a real Temporal dev server per file (free ports, temp SQLite db, can be
 * stopped and restarted on the same db), simulated ComfyUI servers, and the engine worker in-process.
 */
import { existsSync, mkdtempSync } from 'node:fs'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobStore } from '../../../src-shared/storage/blob-store'
import { Client, Connection } from '@temporalio/client'
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker'
import type { WorkerServer } from '../../../src-shared/contract/worker-protocol'
import { probeServer } from '../../../src-shared/comfy/probe'
import { RunClient } from '../../../src-main/runs/run-client'
import { createEngineWorker, type EngineWorker } from '../../../src-worker/engine-worker'
import { MemorySink } from '../../../src-worker/progress-sink'
import { workflowBundleOptions } from '../../../src-worker/workflow-bundle-options'
import { SimServer, type SimServerOptions } from '../../../sim'
import { temporalCli } from '../../helpers/temporal-cli'
import { TemporalDevServer } from '../../../src-main/temporal/dev-server'

let runtimeInstalled = false
/** Quiet the SDK's own logging (warnings and errors only). */
export function quietRuntime(): void {
  if (runtimeInstalled) return
  runtimeInstalled = true
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') })
  } catch {
    // Already installed by another file in this process.
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Polls `check` until it returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown = null
  while (Date.now() < deadline) {
    try {
      const value = await check()
      if (value !== undefined && value !== false) return value
    } catch (error) {
      lastError = error
    }
    await sleep(50)
  }
  throw new Error(`Timed out waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`)
}

/**
 * A Temporal dev server on a free port with its own db file, run by the app's own supervisor (which retries a
 * start that lost its port to another process); stop() and start() again reuse the port and the db.
 */
function fastTmp(): string {
  return process.env.COMFYFLEET_TEST_SHM ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir())
}

export class DevServer {
  private server: TemporalDevServer | null = null
  private readonly dir: string
  readonly dbFile: string
  port = 0

  /**
   * The db goes to tmpfs when there is one: the dev server writes (and syncs) on every event. `npm test`
   * names a folder there (COMFYFLEET_TEST_SHM) that it removes at the end: tmpfs is memory.
   */
  constructor(dir = mkdtempSync(join(fastTmp(), 'engine-temporal-'))) {
    this.dir = dir
    this.dbFile = join(dir, 'temporal.db')
  }

  get address(): string {
    return `127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const server = new TemporalDevServer({
      cliPath: temporalCli(),
      dbFile: this.dbFile,
      logDir: this.dir,
      port: this.port,
      uiPort: 0,
      headlessUi: true,
    })
    const { address } = await server.start()
    if (server.external) throw new Error(`${address} already hosts another Temporal server`)
    this.server = server
    this.port = Number(address.split(':')[1])
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = null
    await server?.stop()
  }
}

export interface Rig {
  temporal: DevServer
  client: Client
  runs: RunClient
  taskQueue: string
  dataDir: string
  close(): Promise<void>
}

export async function startRig(): Promise<Rig> {
  quietRuntime()
  const temporal = new DevServer()
  await temporal.start()
  const connection = await Connection.connect({ address: temporal.address })
  const client = new Client({ connection })
  const taskQueue = `engine-${Math.random().toString(36).slice(2, 10)}`
  const dataDir = mkdtempSync(join(tmpdir(), 'engine-data-'))
  return {
    temporal,
    client,
    runs: new RunClient(client, taskQueue, new BlobStore(join(dataDir, 'payloads'))),
    taskQueue,
    dataDir,
    async close() {
      await connection.close()
      await temporal.stop()
    },
  }
}

export interface RunningEngine {
  engine: EngineWorker
  sink: MemorySink
  logs: string[]
  stop(): Promise<void>
}

/** Every file under `dir`, recursively. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
}

let bundlePath: Promise<string> | null = null
/**
 * Bundles src-worker/workflows once (webpack takes seconds), as production does. The bundle is cached
 * in the temp dir under a hash of the workflow sources, so the other test files reuse it.
 */
export function workerBundle(): Promise<string> {
  bundlePath ??= (async () => {
    const root = join(__dirname, '../../..')
    // Everything the workflow code may import: its own folder and the shared contract and rules.
    const sources = [
      ...sourceFiles(join(root, 'src-worker/workflows')),
      ...sourceFiles(join(root, 'src-shared')),
    ].sort()
    const hash = createHash('sha256')
    for (const file of sources) hash.update(file).update(readFileSync(file))
    const path = join(tmpdir(), `comfyfleet-workflow-bundle-${hash.digest('hex').slice(0, 16)}.js`)
    if (existsSync(path)) return path
    const { code } = await bundleWorkflowCode({
      ...workflowBundleOptions(),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
    })
    const tmp = `${path}.${process.pid}.tmp`
    writeFileSync(tmp, code)
    renameSync(tmp, path)
    return path
  })()
  return bundlePath
}

/** The engine worker in this process, owning `servers`. */
export async function startEngine(
  rig: Rig,
  servers: WorkerServer[],
  options: { identity?: string; ownsWholeFarm?: boolean; silenceForGoneMs?: number } = {}
): Promise<RunningEngine> {
  const connection = await NativeConnection.connect({ address: rig.temporal.address })
  const sink = new MemorySink()
  const logs: string[] = []
  const engine = await createEngineWorker({
    connection,
    namespace: 'default',
    taskQueue: rig.taskQueue,
    imagesDir: join(rig.dataDir, 'images'),
    sink,
    servers,
    workflowBundlePath: await workerBundle(),
    identity: options.identity,
    ownsWholeFarm: options.ownsWholeFarm,
    silenceForGoneMs: options.silenceForGoneMs,
    log: (level, message) => logs.push(`${level}: ${message}`),
  })
  const running = engine.run()
  return {
    engine,
    sink,
    logs,
    async stop() {
      engine.shutdown()
      await running.catch(() => undefined)
      await connection.close()
    },
  }
}

export async function startSims(options: SimServerOptions[]): Promise<SimServer[]> {
  const sims = options.map((o, i) => new SimServer({ name: `gpu-${i}`, ...o }))
  await Promise.all(sims.map((s) => s.start()))
  return sims
}

export async function workerServers(sims: SimServer[], slots = 2): Promise<WorkerServer[]> {
  return await Promise.all(sims.map((s, i) => probeServer({ id: `s${i}`, name: s.name, address: s.url, slots })))
}

/** Total completed executions of a prompt across the farm (the exactly-once check). */
export function executions(sims: SimServer[], promptId: string): number {
  return sims.reduce((sum, s) => sum + (s.stats().executions[promptId] ?? 0), 0)
}

export { txt2img } from './prompts'

/** A test file's whole rig: one Temporal dev server, these simulated servers, and an engine owning them. */
export interface EngineSetup {
  rig: Rig
  sims: SimServer[]
  engine: RunningEngine
}

export async function startEngineSetup(options: SimServerOptions[]): Promise<EngineSetup> {
  const rig = await startRig()
  let sims: SimServer[] = []
  try {
    sims = await startSims(options)
    return { rig, sims, engine: await startEngine(rig, await workerServers(sims)) }
  } catch (error) {
    await stopEngineSetup({ rig, sims })
    throw error
  }
}

/** Stops whatever of a setup was started (a failed beforeAll leaves parts undefined). */
export async function stopEngineSetup(setup: Partial<EngineSetup> | undefined): Promise<void> {
  await setup?.engine?.stop()
  await Promise.all((setup?.sims ?? []).map((s) => s.stop()))
  await setup?.rig?.close()
}

/**
 * The rig most engine test files share: one {@link EngineSetup} started in the file's beforeAll and
 * stopped in its afterAll. Read its fields inside tests and hooks; reading them before beforeAll has
 * run (or after it failed) throws instead of handing out undefined.
 */
export function engineSetupForFile(options: SimServerOptions[]): EngineSetup {
  let current: EngineSetup | undefined
  beforeAll(async () => {
    current = await startEngineSetup(options)
  })
  afterAll(async () => {
    await stopEngineSetup(current)
  })
  const started = (): EngineSetup => {
    if (current === undefined) throw new Error('the engine setup is read before its beforeAll started it')
    return current
  }
  return {
    get rig() {
      return started().rig
    },
    get sims() {
      return started().sims
    },
    get engine() {
      return started().engine
    },
  }
}

/** A file's one rig, with the simulators and engine each test starts for itself (see {@link rigWithEnginePerTest}). */
export interface RigWithEnginePerTest {
  readonly rig: Rig
  /** The simulators this test started; stopped after it. */
  sims: SimServer[]
  /** The engine this test started; stopped after it. */
  engine: RunningEngine | null
}

/**
 * For files whose tests each build their own farm (failover, unkind servers): one rig started in the
 * file's beforeAll and closed in its afterAll, and whatever a test put in `sims` and `engine` stopped
 * after that test, so the next one starts clean.
 */
export function rigWithEnginePerTest(): RigWithEnginePerTest {
  let rig: Rig | undefined
  const state: RigWithEnginePerTest = {
    get rig() {
      if (rig === undefined) throw new Error('the rig is read before its beforeAll started it')
      return rig
    },
    sims: [],
    engine: null,
  }
  beforeAll(async () => {
    rig = await startRig()
  })
  afterAll(async () => {
    await rig?.close()
  })
  afterEach(async () => {
    await state.engine?.stop()
    await Promise.all(state.sims.map((s) => s.stop()))
    state.engine = null
    state.sims = []
  })
  return state
}

/** Waits until the run's KSampler is running and says on which server, under which prompt_id. */
export async function samplerRunningOn(rig: Rig, workflowId: string): Promise<{ serverId: string; promptId: string }> {
  return await waitFor('the sampler to run', async () => {
    const status = await rig.runs.getStatus(workflowId)
    if (status.current_node?.class_type !== 'KSampler' || status.server === null || status.prompt_id === null)
      return undefined
    return { serverId: status.server.id, promptId: status.prompt_id }
  })
}
