/**
 * Issue #11 kind 8, the CLI as scripts use it, against a small fake of the local API (the behaviours
 * need a run lasting minutes or a slow pipe reader, which the real app cannot be made to show quickly):
 *  - `--json` output through a slow pipe arrives whole (it was cut at 64 KiB with exit code 0);
 *  - `run --wait` waits in requests shorter than Node's 300 s fetch headers timeout, however long the run;
 *  - `run --seeds a..b --wait` waits for the batch;
 *  - an answer that is not what the API promises is named, field by field (the SDK parses every answer).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ResultImage, RunResult } from '../../../../src-shared/contract/responses'
import type { RunState } from '../../../../src-shared/contract/runs'
import type { ServerView } from '../../../../src-shared/contract/servers'

const ROOT = join(__dirname, '..', '..', '..', '..')

/** A server as the API answers it; the long tag makes 2000 of them a document far over a pipe's 64 KiB. */
function serverView(i: number): ServerView {
  const health = {
    state: 'online',
    device: null,
    queueRemaining: 0,
    latencyMs: 1,
    lastSeenAt: 1,
    error: null,
    comfyuiVersion: null,
  } as const
  return {
    ...{ id: `s${i}`, name: `gpu-${i}`, address: `http://gpu-${i}:8188`, enabled: true, draining: false, slots: 1 },
    ...{ tags: ['p'.repeat(150)], createdAt: 1, updatedAt: 1, health, slotsInUse: 0, currentRunIds: [], speed: null },
    hasCapabilities: true,
  }
}
const BIG_LIST = Array.from({ length: 2000 }, (_, i) => serverView(i))

const IMAGE: ResultImage = {
  ...{ hash: 'a', nodeId: '9', filename: 'a.png', subfolder: '', type: 'output', format: 'png' },
  ...{ width: 8, height: 8, bytes: 10, path: '/cache/a.png', url: '/api/images/a', thumb_url: '/api/thumbs/a' },
}

/** `GET /workflow/result/run-1` as the API answers it, in the given state. */
function runResult(status: RunState, images: ResultImage[]): RunResult {
  const summary = {
    ...{ id: 'run-1', workflowId: 'wf-1', name: 'x', status, serverId: null, serverName: null, gpu: null },
    ...{ progress: 0, currentNode: null, nodeProgress: null, createdAt: 1, startedAt: null, finishedAt: null },
    ...{ batchId: null, error: null, thumbHash: null, positive: null, negative: null, seed: null, models: [] },
    outputsCount: images.length,
  }
  const detail = { prompt: {}, workflow: null, nodes: {}, nodeTitles: {}, outputs: [], events: [], temporalUrl: null }
  return { run_id: 'run-1', status, error: null, images, run: { ...summary, ...detail } }
}

/** Answers that break the contract, by path, for the malformed-answer test. */
const MALFORMED: Record<string, unknown> = {
  '/workflow/status/bad-run': { run_id: 'bad-run', status: 'exploded' },
}

interface Seen {
  executeBodies: Record<string, unknown>[]
  resultWaits: number[]
  batchPolls: number
  listAnswered: () => void
}

let server: Server
let url: string
const seen: Seen = { executeBodies: [], resultWaits: [], batchPolls: 0, listAnswered: () => undefined }
const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'x.json')

function send(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(value))
}

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
}

async function fakeApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const u = new URL(req.url ?? '/', 'http://x')
  if (u.pathname === '/servers') {
    res.on('finish', () => seen.listAnswered())
    return send(res, 200, BIG_LIST)
  }
  if (u.pathname === '/workflow/execute') {
    const b = await bodyOf(req)
    seen.executeBodies.push(b)
    if (b.seeds) return send(res, 202, { run_ids: [], batch_ids: ['batch-1'], status_urls: [] })
    const still = { message: 'Run run-1 is still going', status_urls: ['/workflow/status/run-1'] }
    return send(res, 202, { run_ids: ['run-1'], batch_ids: [], ...still })
  }
  if (u.pathname === '/workflow/result/run-1') {
    seen.resultWaits.push(Number(u.searchParams.get('wait_s')))
    const done = seen.resultWaits.length >= 2
    return send(res, 200, done ? runResult('completed', [IMAGE]) : runResult('running', []))
  }
  if (u.pathname === '/batches') {
    seen.batchPolls += 1
    const done = seen.batchPolls >= 2
    const b = { id: 'batch-1', name: 'b', total: 4, failed: 0, cancelled: 0, createdAt: 1 }
    return send(res, 200, [{ ...b, status: done ? 'completed' : 'running', completed: done ? 4 : 1, running: 3 }])
  }
  if (u.pathname in MALFORMED) return send(res, 200, MALFORMED[u.pathname])
  send(res, 404, { error: { code: 'x/unknown', message: 'no' } })
}

interface Exit {
  code: number | null
  stdout: string
  stderr: string
}

/** The CLI as a script runs it; `slowReader` holds stdout unread until the API has answered. */
function cli(args: string[], slowReader = false): Promise<Exit> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/index.ts', ...args, '--url', url], {
    cwd: ROOT,
    env: { ...process.env, COMFYFLEET_TOKEN: 't' },
  })
  if (slowReader) {
    child.stdout.pause()
    // Once the answer is sent the CLI prints it; reading starts only after it would have exited.
    seen.listAnswered = () => setTimeout(() => child.stdout.resume(), 1_000)
  }
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

beforeAll(async () => {
  writeFileSync(file, JSON.stringify({ '1': { class_type: 'SaveImage', inputs: {} } }))
  server = createServer((req, res) => void fakeApi(req, res))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => {
  server.close()
})

describe('the CLI for scripts', () => {
  it('writes the whole --json document through a pipe read slowly', async () => {
    const r = await cli(['servers', 'list', '--json'], true)
    expect(r.code).toBe(0)
    expect(r.stdout.length).toBeGreaterThan(200_000)
    expect(JSON.parse(r.stdout)).toEqual(BIG_LIST)
  })

  it('run --wait waits past a first "still going" answer, each request held under 300 s', async () => {
    const r = await cli(['run', file, '--wait'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('run-1 completed\n/cache/a.png\n')
    expect(seen.executeBodies[0]).toMatchObject({ wait: true })
    expect(seen.executeBodies[0]!.timeout_s).toBeLessThan(300)
    expect(seen.resultWaits).toHaveLength(2)
    for (const w of seen.resultWaits) expect(w).toBeLessThan(300)
  })

  it('run --seeds a..b --wait waits for the batch and reports its counts', async () => {
    const r = await cli(['run', file, '--seeds', '1..4', '--wait'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('batch-1 completed: 4/4 completed\n')
    expect(seen.batchPolls).toBeGreaterThanOrEqual(2)
  })

  it('an answer that breaks the contract is exit 4, naming the field and what it must be', async () => {
    const r = await cli(['status', 'bad-run'])
    expect(r.code).toBe(4)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('GET /workflow/status/:id')
    expect(r.stderr).toContain('status must be a run state')
    expect(r.stderr).toContain('[client/bad-answer]')
  })

  it('history --status with a name that is no run state is a usage error naming it', async () => {
    const r = await cli(['history', '--status', 'completed,bogus'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--status must be run states')
    expect(r.stderr).toContain('"bogus"')
  })
})
