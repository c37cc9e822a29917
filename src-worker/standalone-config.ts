/**
 * Standalone worker for a remote cluster (`node out/main/worker.js --config worker.json`): one worker
 * per GPU host, each owning its own servers, all on one task queue. The file names Temporal (address,
 * namespace, TLS or API key), the task queue, a data dir for output images, and the servers.
 */
import { readFileSync } from 'node:fs'
import { isAbsolute, resolve, dirname } from 'node:path'
import type { TemporalConnectionConfig } from '../src-shared/contract/worker-protocol'
import type { ServerSpec } from '../src-shared/comfy/probe'

export interface StandaloneConfig {
  temporal: TemporalConnectionConfig
  taskQueue: string
  dataDir: string
  servers: ServerSpec[]
  workflowBundlePath: string | null
  /** How often servers are probed again (capabilities, VRAM, online). */
  probeIntervalMs: number
  /**
   * False (default) when other workers with other servers share the task queue: a prompt this
   * worker's servers cannot run is retried (another worker may take it) instead of failing.
   */
  ownsWholeFarm: boolean
}

/** Reads and checks the config file; every error names the field that was wrong. */
export function readStandaloneConfig(path: string): StandaloneConfig {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new Error(`Cannot read worker config ${path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    })
  }
  const c = raw as Partial<Record<string, unknown>>
  const where = (field: string): string => `worker config ${path}: ${field}`
  const temporal = (c.temporal ?? {}) as Partial<TemporalConnectionConfig>
  if (typeof temporal.address !== 'string' || temporal.address === '')
    throw new Error(`${where('temporal.address')} must be "host:port"`)
  if (!Array.isArray(c.servers) || c.servers.length === 0)
    throw new Error(`${where('servers')} must list at least one server`)
  const servers = c.servers.map((s: unknown, i: number): ServerSpec => {
    const spec = s as Partial<ServerSpec>
    if (typeof spec.address !== 'string' || !/^https?:\/\//.test(spec.address)) {
      throw new Error(`${where(`servers[${i}].address`)} must be an http(s):// URL`)
    }
    if (spec.slots !== undefined && (!Number.isInteger(spec.slots) || spec.slots < 1)) {
      throw new Error(`${where(`servers[${i}].slots`)} must be a positive integer`)
    }
    return { id: spec.id ?? `${i}-${spec.address}`, name: spec.name, address: spec.address, slots: spec.slots }
  })
  const base = dirname(resolve(path))
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(base, p))
  return {
    temporal: {
      address: temporal.address,
      namespace: temporal.namespace ?? 'default',
      tls: temporal.tls ?? null,
      apiKey: temporal.apiKey ?? null,
    },
    taskQueue: typeof c.taskQueue === 'string' ? c.taskQueue : 'comfyfleet',
    dataDir: abs(typeof c.dataDir === 'string' ? c.dataDir : './comfyfleet-data'),
    servers,
    workflowBundlePath: typeof c.workflowBundlePath === 'string' ? abs(c.workflowBundlePath) : null,
    probeIntervalMs: typeof c.probeIntervalMs === 'number' ? c.probeIntervalMs : 10_000,
    ownsWholeFarm: c.ownsWholeFarm === true,
  }
}
