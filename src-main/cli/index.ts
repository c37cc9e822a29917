/**
 * `comfyfleet` CLI. Exit codes a script can rely on:
 *   0 ok · 1 the run failed or was cancelled · 2 usage error · 3 the API refused (4xx) ·
 *   4 ComfyFleet not reachable, 5xx, or an answer that is not what the API promises
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ComfyFleetClient, ComfyFleetError, type BatchSummary, type RunState } from '../../sdk'
import { RunStatesParamSchema } from '../../src-shared/contract/query-params'
import { flag, intFlag, parseArgs, UsageError, type Args } from './args'

const USAGE = `Usage: comfyfleet <command> [options]

  servers list                         list GPU servers and their health
  servers add <address> [--name N] [--slots N]
  servers rm <id|name|address>
  servers drain <id|name|address> [--off]
  run <file> [--wait] [--server ID] [--seeds A..B] [--count N] [--priority N] [--name N]
  run <file> <file>...                 many runs in one request, started longest expected work first
  status <run-id>                      the run's get_status (JSON)
  cancel <run-id|batch-id>
  history [--search TEXT] [--status S] [--limit N]
  export <run-id> <dir>                copy images + workflow (API and UI JSON) into dir

Global: --url URL (default http://127.0.0.1:8001) --token T --data-dir DIR --json`

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv)
  const [cmd, sub] = args.positionals
  if (!cmd || args.flags.has('help')) {
    console.log(USAGE)
    return cmd ? 0 : 2
  }
  const fleet = new ComfyFleetClient({
    url: flag(args, 'url'),
    token: flag(args, 'token'),
    dataDir: flag(args, 'data-dir'),
  })
  const out = (value: unknown, text: () => string): void =>
    console.log(args.flags.has('json') ? JSON.stringify(value, null, 2) : text())
  switch (cmd) {
    case 'servers':
      return servers(fleet, sub, args, out)
    case 'run':
      return run(fleet, args, out)
    case 'status': {
      const s = await fleet.status(need(args, 1, 'run id'))
      console.log(JSON.stringify(s, null, 2))
      return 0
    }
    case 'cancel':
      await fleet.cancel(need(args, 1, 'run or batch id'))
      console.log(`cancel requested for ${args.positionals[1]!}`)
      return 0
    case 'history':
      return history(fleet, args, out)
    case 'export':
      return exportRun(fleet, need(args, 1, 'run id'), need(args, 2, 'target directory'))
    default:
      throw new UsageError(`Unknown command ${JSON.stringify(cmd)}`)
  }
}

function need(args: Args, index: number, what: string): string {
  const v = args.positionals[index]
  if (!v) throw new UsageError(`Missing ${what}`)
  return v
}

type Out = (value: unknown, text: () => string) => void

async function resolveServer(fleet: ComfyFleetClient, ref: string): Promise<string> {
  const list = await fleet.listServers()
  const s = list.find((x) => x.id === ref || x.name === ref || x.address === ref || x.address.endsWith(`//${ref}`))
  if (!s)
    throw new ComfyFleetError(
      `No server ${JSON.stringify(ref)} (known: ${list.map((x) => x.name).join(', ') || 'none'})`,
      'servers/unknown',
      404
    )
  return s.id
}

async function servers(fleet: ComfyFleetClient, sub: string | undefined, args: Args, out: Out): Promise<number> {
  switch (sub) {
    case 'list':
    case undefined: {
      const list = await fleet.listServers()
      out(list, () =>
        list.length === 0
          ? 'No servers yet: comfyfleet servers add <address>'
          : list
              .map((s) => {
                const gpu = s.health.device?.name ?? '-'
                const flags = [s.enabled ? '' : 'disabled', s.draining ? 'draining' : ''].filter(Boolean).join(',')
                return `${s.id}\t${s.name}\t${s.address}\t${s.health.state}\t${gpu}\tqueue ${s.health.queueRemaining ?? '-'}\t${flags}`
              })
              .join('\n')
      )
      return 0
    }
    case 'add': {
      const address = need(args, 2, 'server address')
      const s = await fleet.registerServer({
        name: flag(args, 'name') ?? address,
        address,
        slots: intFlag(args, 'slots'),
      })
      out(s, () => `added ${s.id} ${s.name} ${s.address}`)
      return 0
    }
    case 'rm': {
      const r = await fleet.removeServer(await resolveServer(fleet, need(args, 2, 'server')))
      out(r, () => (r.moved.length === 0 ? 'removed' : `removed; moved ${r.moved.join(', ')} to other servers`))
      return 0
    }
    case 'drain': {
      const s = await fleet.drainServer(await resolveServer(fleet, need(args, 2, 'server')), !args.flags.has('off'))
      out(s, () => `${s.name}: ${s.draining ? 'draining (finishes its runs, takes no new ones)' : 'taking runs again'}`)
      return 0
    }
    default:
      throw new UsageError(`Unknown servers command ${JSON.stringify(sub)}`)
  }
}

async function run(fleet: ComfyFleetClient, args: Args, out: Out): Promise<number> {
  const file = need(args, 1, 'workflow file')
  const opts = {
    server: flag(args, 'server'),
    seeds: flag(args, 'seeds'),
    count: intFlag(args, 'count'),
    priority: intFlag(args, 'priority'),
    name: flag(args, 'name'),
  }
  if (opts.server) opts.server = await resolveServer(fleet, opts.server)
  const files = args.positionals.slice(1)
  if (files.length > 1) return await runMany(fleet, files, opts, args.flags.has('wait'), out)
  const batch = opts.seeds !== undefined || (opts.count ?? 1) > 1
  if (!args.flags.has('wait') || batch) {
    const r = await fleet.submit(file, opts)
    if (!args.flags.has('wait') || r.batch_ids.length === 0) {
      out(r, () => [...r.run_ids.map((id) => `run ${id}`), ...r.batch_ids.map((id) => `batch ${id}`)].join('\n'))
      return 0
    }
    return await waitBatches(fleet, r.batch_ids, out)
  }
  const r = await fleet.executeWorkflow(file, { ...opts, wait: true })
  out(r, () => {
    if (r.status !== 'completed') return `${r.run_id} ${r.status}${r.error ? `: ${r.error.message}` : ''}`
    return [`${r.run_id} completed`, ...r.images.map((i) => i.path ?? i.url)].join('\n')
  })
  return r.status === 'completed' ? 0 : 1
}

/** `run a.json b.json …`: one request (a burst the engine orders); with --wait, every run must complete. */
async function runMany(
  fleet: ComfyFleetClient,
  files: string[],
  opts: Parameters<ComfyFleetClient['submitMany']>[1],
  wait: boolean,
  out: Out
): Promise<number> {
  const r = await fleet.submitMany(files, opts)
  if (!wait) {
    out(r, () => [...r.run_ids.map((id) => `run ${id}`), ...r.batch_ids.map((id) => `batch ${id}`)].join('\n'))
    return 0
  }
  const results = await Promise.all(r.run_ids.map((id) => fleet.waitForRun(id)))
  const batchCode = r.batch_ids.length > 0 ? await waitBatches(fleet, r.batch_ids, out) : 0
  out(results, () => results.map((x) => `${x.run_id} ${x.status}`).join('\n'))
  return batchCode === 0 && results.every((x) => x.status === 'completed') ? 0 : 1
}

/** `run --seeds a..b --wait`: waits for every batch; exit 1 unless every run of every batch completed. */
async function waitBatches(fleet: ComfyFleetClient, ids: string[], out: Out): Promise<number> {
  const batches: BatchSummary[] = []
  for (const id of ids) batches.push(await fleet.waitForBatch(id))
  out(batches.length === 1 ? batches[0] : batches, () =>
    batches
      .map(
        (b) =>
          `${b.id} ${b.status}: ${b.completed}/${b.total} completed` +
          (b.failed > 0 ? `, ${b.failed} failed` : '') +
          (b.cancelled > 0 ? `, ${b.cancelled} cancelled` : '')
      )
      .join('\n')
  )
  return batches.every((b) => b.status === 'completed' && b.completed === b.total) ? 0 : 1
}

async function history(fleet: ComfyFleetClient, args: Args, out: Out): Promise<number> {
  const page = await fleet.history({
    text: flag(args, 'search'),
    status: runStatesFlag(args),
    limit: intFlag(args, 'limit') ?? 50,
  })
  out(page, () =>
    page.items.length === 0
      ? 'No matching images in the history.'
      : page.items
          .map(
            (i) =>
              `${new Date(i.createdAt).toISOString()}\t${i.runId}\t${i.status}\t${(i.hash ?? '-').slice(0, 12)}\t${(i.positive ?? '').slice(0, 60)}`
          )
          .join('\n')
  )
  return 0
}

/** `--status failed,cancelled`, checked by the same rule as the API's `status` parameter. */
function runStatesFlag(args: Args): RunState[] | undefined {
  const text = flag(args, 'status')
  if (text === undefined) return undefined
  const parsed = RunStatesParamSchema.safeParse(text)
  if (!parsed.success) throw new UsageError(`--status ${parsed.error.issues.map((i) => i.message).join('; ')}`)
  return parsed.data
}

async function exportRun(fleet: ComfyFleetClient, runId: string, dir: string): Promise<number> {
  const r = await fleet.result(runId)
  mkdirSync(dir, { recursive: true })
  const run = r.run
  writeFileSync(join(dir, `${runId}.api.json`), JSON.stringify(run.prompt, null, 2))
  if (run.workflow) writeFileSync(join(dir, `${runId}.workflow.json`), JSON.stringify(run.workflow, null, 2))
  for (const [i, img] of r.images.entries()) {
    const target = join(dir, `${runId}_${String(i + 1).padStart(2, '0')}.${img.format}`)
    if (img.path) copyFileSync(img.path, target)
    else writeFileSync(target, await fleet.image(img.hash))
    console.log(target)
  }
  return 0
}

/**
 * Exit once stdout and stderr are flushed. Through a pipe whose reader is slower than us, Node queues
 * what does not fit in the pipe (64 KiB); process.exit() right after console.log dropped the rest, so a
 * script got cut JSON with exit code 0.
 */
function exitFlushed(code: number): void {
  process.exitCode = code
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)))
}

function report(e: unknown): number {
  if (e instanceof UsageError) {
    console.error(`${e.message}\n\n${USAGE}`)
    return 2
  }
  if (e instanceof ComfyFleetError) {
    console.error(`error: ${e.message}${e.code ? ` [${e.code}]` : ''}`)
    return e.status >= 400 && e.status < 500 ? 3 : 4
  }
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`)
  return 4
}

main(process.argv.slice(2)).then(exitFlushed, (e: unknown) => exitFlushed(report(e)))
