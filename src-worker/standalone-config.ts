/**
 * Standalone worker for a remote cluster (`node out/main/worker.js --config worker.json`): one worker
 * per GPU host, each owning its own servers, all on one task queue. The file names Temporal (address,
 * namespace, TLS or API key), the task queue, a data dir for output images, and the servers.
 *
 * The file is checked completely before anything starts: types, ranges, unknown keys (a typo such as
 * `probeIntervalMS` would otherwise be ignored silently), and that the files it names exist. Every
 * problem is reported at once, each with its field path.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { z } from 'zod'
import { normaliseAddress } from '../src-shared/comfy/address'
import type { ServerSpec } from '../src-shared/comfy/probe'
import type { TemporalConnectionConfig } from '../src-shared/contract/worker-protocol'

/** Below this a probe loop floods the servers (a negative value once meant one probe per millisecond). */
export const MIN_PROBE_INTERVAL_MS = 1_000
const MAX_PROBE_INTERVAL_MS = 3_600_000

const path = z.string().trim().min(1, 'must name a file')

const tlsSchema = z.strictObject({
  certPath: path,
  keyPath: path,
  /** Absent or null: the system's CA store. */
  caPath: path.nullable().default(null),
  serverName: z.string().trim().min(1).nullable().default(null),
})

const temporalSchema = z.strictObject({
  address: z.string().regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'must be "host:port" (e.g. temporal.example.com:7233)'),
  namespace: z.string().trim().min(1).default('default'),
  tls: tlsSchema.nullable().default(null),
  apiKey: z.string().trim().min(1).nullable().default(null),
})

const serverSchema = z.strictObject({
  id: z.string().trim().min(1).optional(),
  name: z.string().trim().min(1).optional(),
  /** In its one spelling from here on (`http://gpu-1:8188`): claim ids and duplicates compare that. */
  address: z
    .string()
    .regex(/^https?:\/\/[^\s/]+/i, 'must be an http(s):// URL')
    .transform((written, ctx) => {
      const r = normaliseAddress(written)
      if (r.ok) return r.value
      ctx.addIssue({ code: 'custom', message: r.error.message })
      return z.NEVER
    }),
  slots: z.int().min(1).max(64).optional(),
})

const configSchema = z.strictObject({
  temporal: temporalSchema,
  taskQueue: z.string().trim().min(1).default('comfyfleet'),
  dataDir: path.default('./comfyfleet-data'),
  workflowBundlePath: path.nullable().default(null),
  probeIntervalMs: z.int().min(MIN_PROBE_INTERVAL_MS).max(MAX_PROBE_INTERVAL_MS).default(10_000),
  /**
   * False (default) when other workers with other servers share the task queue: a prompt this
   * worker's servers cannot run is given back (another worker may take it) instead of failing.
   */
  ownsWholeFarm: z.boolean().default(false),
  servers: z.array(serverSchema).min(1, 'must list at least one server'),
})

export interface StandaloneConfig {
  temporal: TemporalConnectionConfig
  taskQueue: string
  dataDir: string
  servers: ServerSpec[]
  workflowBundlePath: string | null
  /** How often servers are probed again (capabilities, VRAM, online). */
  probeIntervalMs: number
  ownsWholeFarm: boolean
}

export class WorkerConfigError extends Error {
  constructor(
    readonly configPath: string,
    readonly problems: string[]
  ) {
    // One line per problem, each saying which file: what a service log (journalctl) shows first.
    super(problems.map((p) => `worker config ${configPath}: ${p}`).join('\n'))
    this.name = 'WorkerConfigError'
  }
}

/** Reads and checks the config file. @throws WorkerConfigError listing every problem, each with its field. */
export function readStandaloneConfig(configPath: string): StandaloneConfig {
  let text: string
  try {
    text = readFileSync(configPath, 'utf8')
  } catch (error) {
    throw new WorkerConfigError(configPath, [`cannot be read: ${(error as Error).message}`])
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new WorkerConfigError(configPath, [`is not JSON: ${(error as Error).message}`])
  }
  return parseStandaloneConfig(raw, dirname(resolve(configPath)), configPath)
}

/** Checks a parsed config; relative paths resolve from `baseDir` (the config file's folder). */
export function parseStandaloneConfig(raw: unknown, baseDir: string, configPath = 'worker.json'): StandaloneConfig {
  const parsed = configSchema.safeParse(raw)
  if (!parsed.success) throw new WorkerConfigError(configPath, parsed.error.issues.map(describeIssue))
  const c = parsed.data
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p))
  const tls =
    c.temporal.tls === null
      ? null
      : {
          certPath: abs(c.temporal.tls.certPath),
          keyPath: abs(c.temporal.tls.keyPath),
          caPath: c.temporal.tls.caPath === null ? null : abs(c.temporal.tls.caPath),
          serverName: c.temporal.tls.serverName,
        }
  const config: StandaloneConfig = {
    temporal: { address: c.temporal.address, namespace: c.temporal.namespace, tls, apiKey: c.temporal.apiKey },
    taskQueue: c.taskQueue,
    dataDir: abs(c.dataDir),
    servers: c.servers.map((s, i) => ({
      id: s.id ?? `${i}-${s.address}`,
      name: s.name,
      address: s.address,
      slots: s.slots,
    })),
    workflowBundlePath: c.workflowBundlePath === null ? null : abs(c.workflowBundlePath),
    probeIntervalMs: c.probeIntervalMs,
    ownsWholeFarm: c.ownsWholeFarm,
  }
  const problems = [...missingFiles(config), ...duplicates(config.servers)]
  if (problems.length > 0) throw new WorkerConfigError(configPath, problems)
  return config
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('')
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `${at === '' ? k : `${at}.${k}`}: unknown key`).join('; ')
  }
  return `${at === '' ? '(file)' : at}: ${issue.message}`
}

/** The files the config names must exist now, not fail later with ENOENT deep inside a connect. */
function missingFiles(c: StandaloneConfig): string[] {
  const files: [string, string | null][] = [
    ['temporal.tls.certPath', c.temporal.tls?.certPath ?? null],
    ['temporal.tls.keyPath', c.temporal.tls?.keyPath ?? null],
    ['temporal.tls.caPath', c.temporal.tls?.caPath ?? null],
    ['workflowBundlePath', c.workflowBundlePath],
  ]
  return files
    .filter((f): f is [string, string] => f[1] !== null && !existsSync(f[1]))
    .map(([field, file]) => `${field}: file not found: ${file} (relative paths are from the config file's folder)`)
}

/** A server listed twice would be filled twice over (two slot sets for one GPU). */
function duplicates(servers: ServerSpec[]): string[] {
  const problems: string[] = []
  const seenIds = new Set<string>()
  const seenAddresses = new Set<string>()
  servers.forEach((s, i) => {
    const address = s.address
    if (seenIds.has(s.id)) problems.push(`servers[${i}].id: ${JSON.stringify(s.id)} is listed twice`)
    if (seenAddresses.has(address)) problems.push(`servers[${i}].address: ${address} is listed twice`)
    seenIds.add(s.id)
    seenAddresses.add(address)
  })
  return problems
}
