/**
 * `npm run sim -- --servers 4 --base-port 8188 --speeds 1,1,0.5,2 [--previews] [--step-ms N] …`
 * Starts a farm of simulated ComfyUI servers on 127.0.0.1 and keeps them running until Ctrl-C.
 */
import { readFileSync } from 'node:fs'
import { parseStrict, UsageError } from '../src-shared/cli/strict-args'
import { SimServer } from './server'
import type { SimFaults, SimServerOptions } from './types'

const HELP = `ComfyUI simulator (protocol of ComfyUI 0.3.64)

Usage: npm run sim -- [options]

  --servers N              number of servers (default 1)
  --base-port P            first port; server i listens on P+i (default 8188; 0 = ephemeral ports)
  --host H                 listen address (default 127.0.0.1)
  --speeds a,b,…           speed factor per server (2 = twice as fast; default 1)
  --step-ms N              ms per sampler step at speed 1 (default 10)
  --node-ms N              ms per other node at speed 1 (default 1)
  --load-ms N              ms for the first load of a model on a server (default 30)
  --previews               send binary preview frames during sampling
  --uuid-prompt-ids        newer-server behaviour: prompt_id must be a UUID, 409 on duplicates
  --comfyui-version V      the version /system_stats reports (default 0.3.64)
  --ignore-client-prompt-id  older servers (before 2025-07-14): POST /prompt makes its own prompt_id
  --global-interrupt-only  older servers (before 2025-09-02): POST /interrupt ignores prompt_id
  --models FILE            JSON: {"0": {"checkpoints": [...], "loras": [...]}, "all": {...}} per server index
  --data-dir DIR           parent folder for each server's output/ input/ temp/ (default: temp dirs)
  --enable-cors-header [O] add CORS headers (origin O, default *) and skip the Host/Origin check
  --fault SPEC             inject a fault; repeatable. SPEC is <server|all>:<fault>, fault one of
                             hang | slow=MS | refuse | error=<ClassType or #nodeId>[:<ExceptionType>[:<message>]]
                             | slow-queue=MS | slow-history=MS | slow-post-prompt=MS | late-history=MS
                             | forget-history | spoof-history
                           e.g. --fault 1:hang --fault 0:error=KSampler:torch.OutOfMemoryError
  --help                   this text

Control endpoints on every server (never used by ComfyUI):
  GET /__sim/stats   GET|POST /__sim/faults   POST /__sim/faults/clear   POST /__sim/crash {"restartAfterMs"}
  POST /__sim/restart   POST /__sim/drop-ws   POST /__sim/reset-stats
`

/** Parsed command line. */
export interface CliOptions {
  servers: number
  basePort: number
  host: string
  speeds: number[]
  timing: { stepMs?: number; nodeMs?: number; loadMs?: number }
  previews: boolean
  uuidPromptIds: boolean
  comfyuiVersion?: string
  ignoreClientPromptId: boolean
  globalInterruptOnly: boolean
  models: Record<string, Partial<Record<string, string[]>>>
  dataDir?: string
  cors?: string
  faults: Array<{ target: number | 'all'; fault: Partial<SimFaults> }>
}

function num(flag: string, v: string | undefined, min = 0): number {
  const n = Number(v)
  if (v === undefined || !Number.isFinite(n) || n < min)
    throw new UsageError(`${flag} needs a number >= ${min}, got "${v ?? ''}"`)
  return n
}

/** Parse one --fault spec. */
export function parseFaultSpec(spec: string): { target: number | 'all'; fault: Partial<SimFaults> } {
  const m = /^(all|\d+):(.+)$/.exec(spec)
  if (!m) throw new UsageError(`--fault "${spec}": expected <server|all>:<fault>`)
  const target = m[1] === 'all' ? 'all' : Number(m[1])
  const body = m[2] ?? ''
  if (body === 'hang') return { target, fault: { hang: true } }
  if (body === 'refuse') return { target, fault: { refusePrompt: true } }
  if (body.startsWith('slow=')) return { target, fault: { slowMs: num('--fault slow=', body.slice(5)) } }
  if (body.startsWith('slow-queue=')) {
    return { target, fault: { slowQueueMs: num('--fault slow-queue=', body.slice(11)) } }
  }
  if (body.startsWith('slow-history=')) {
    return { target, fault: { slowHistoryMs: num('--fault slow-history=', body.slice(13)) } }
  }
  if (body.startsWith('late-history=')) {
    return { target, fault: { historyDelayMs: num('--fault late-history=', body.slice(13)) } }
  }
  if (body.startsWith('slow-post-prompt=')) {
    return { target, fault: { slowPostPromptMs: num('--fault slow-post-prompt=', body.slice(17)) } }
  }
  if (body === 'forget-history') return { target, fault: { forgetHistory: true } }
  if (body === 'spoof-history') return { target, fault: { spoofHistory: true } }
  if (body.startsWith('error=')) {
    const [where = '', exceptionType = 'torch.OutOfMemoryError', ...rest] = body.slice(6).split(':')
    if (!where) throw new UsageError(`--fault "${spec}": error= needs a class type or #nodeId`)
    const message = rest.length > 0 ? rest.join(':') : 'Allocation on device '
    const at = where.startsWith('#') ? { nodeId: where.slice(1) } : { classType: where }
    return { target, fault: { errorAtNode: { ...at, exceptionType, message } } }
  }
  throw new UsageError(
    `--fault "${spec}": unknown fault "${body}" (hang, slow=MS, slow-queue=MS, slow-history=MS, slow-post-prompt=MS, late-history=MS, forget-history, spoof-history, refuse, error=…)`
  )
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  servers: { type: 'string' },
  'base-port': { type: 'string' },
  host: { type: 'string' },
  speeds: { type: 'string' },
  'step-ms': { type: 'string' },
  'node-ms': { type: 'string' },
  'load-ms': { type: 'string' },
  previews: { type: 'boolean' },
  'uuid-prompt-ids': { type: 'boolean' },
  'comfyui-version': { type: 'string' },
  'ignore-client-prompt-id': { type: 'boolean' },
  'global-interrupt-only': { type: 'boolean' },
  models: { type: 'string' },
  'data-dir': { type: 'string' },
  'enable-cors-header': { type: 'string' },
  fault: { type: 'string', multiple: true },
} as const

/**
 * `--enable-cors-header` takes an optional origin, like ComfyUI's flag; node's parser has no optional
 * values, so a bare flag is spelled out as its default before parsing.
 */
function withCorsDefault(argv: readonly string[]): string[] {
  return argv.map((a, i) =>
    a === '--enable-cors-header' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('-')) ? `${a}=*` : a
  )
}

/** Parse argv (without node and script); an unknown flag is a UsageError naming it. */
export function parseArgs(argv: readonly string[]): CliOptions | 'help' {
  const v = parseStrict(withCorsDefault(argv), OPTIONS, false).values
  if (v.help) return 'help'
  const timing: CliOptions['timing'] = {}
  if (v['step-ms'] !== undefined) timing.stepMs = num('--step-ms', v['step-ms'])
  if (v['node-ms'] !== undefined) timing.nodeMs = num('--node-ms', v['node-ms'])
  if (v['load-ms'] !== undefined) timing.loadMs = num('--load-ms', v['load-ms'])
  return {
    servers: v.servers === undefined ? 1 : num('--servers', v.servers, 1),
    basePort: v['base-port'] === undefined ? 8188 : num('--base-port', v['base-port']),
    host: v.host ?? '127.0.0.1',
    speeds: v.speeds === undefined ? [] : v.speeds.split(',').map((s) => num('--speeds', s.trim(), Number.MIN_VALUE)),
    timing,
    previews: v.previews ?? false,
    uuidPromptIds: v['uuid-prompt-ids'] ?? false,
    ignoreClientPromptId: v['ignore-client-prompt-id'] ?? false,
    globalInterruptOnly: v['global-interrupt-only'] ?? false,
    ...(v['comfyui-version'] !== undefined ? { comfyuiVersion: v['comfyui-version'] } : {}),
    models: v.models === undefined ? {} : (JSON.parse(readFileSync(v.models, 'utf8')) as CliOptions['models']),
    faults: (v.fault ?? []).map(parseFaultSpec),
    ...(v['data-dir'] !== undefined ? { dataDir: v['data-dir'] } : {}),
    ...(v['enable-cors-header'] !== undefined ? { cors: v['enable-cors-header'] } : {}),
  }
}

function serverOptions(o: CliOptions, i: number): SimServerOptions {
  const models = o.models[String(i)] ?? o.models.all
  return {
    name: `gpu-${i}`,
    host: o.host,
    port: o.basePort === 0 ? 0 : o.basePort + i,
    speed: o.speeds[i] ?? 1,
    timing: o.timing,
    previews: o.previews,
    uuidPromptIds: o.uuidPromptIds,
    ignoreClientPromptId: o.ignoreClientPromptId,
    globalInterruptOnly: o.globalInterruptOnly,
    ...(o.comfyuiVersion !== undefined ? { comfyuiVersion: o.comfyuiVersion } : {}),
    ...(models ? { models } : {}),
    ...(o.dataDir ? { dataDir: `${o.dataDir}/gpu-${i}` } : {}),
    ...(o.cors !== undefined ? { enableCorsHeader: o.cors } : {}),
  }
}

async function main(): Promise<void> {
  const parsed = parseArgs(process.argv.slice(2))
  if (parsed === 'help') {
    process.stdout.write(HELP)
    return
  }
  const servers = Array.from({ length: parsed.servers }, (_, i) => new SimServer(serverOptions(parsed, i)))
  await Promise.all(servers.map((s) => s.start()))
  for (const f of parsed.faults) {
    for (const [i, s] of servers.entries()) if (f.target === 'all' || f.target === i) s.setFaults(f.fault)
  }
  const rows = servers.map((s, i) => {
    const faults = Object.entries(s.faults()).filter(([, v]) => v !== false && v !== 0 && v !== null)
    return `  ${s.name.padEnd(7)} ${s.url.padEnd(24)} speed ${String(parsed.speeds[i] ?? 1).padEnd(5)} data ${s.dataDir}${faults.length ? `  faults: ${JSON.stringify(Object.fromEntries(faults))}` : ''}`
  })
  process.stdout.write(`ComfyUI simulator: ${servers.length} server(s) ready\n${rows.join('\n')}\nCtrl-C to stop.\n`)
  const shutdown = (): void => {
    void Promise.all(servers.map((s) => s.stop())).then(() => process.exit(0))
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

if (require.main === module) {
  main().catch((ex: unknown) => {
    process.stderr.write(`sim: ${ex instanceof Error ? ex.message : String(ex)}\n`)
    // A bad command line is the caller's mistake (2), not the simulator failing (1), as in the app's CLI.
    process.exit(ex instanceof UsageError ? 2 : 1)
  })
}
