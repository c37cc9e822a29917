/**
 * Issue #11 kind 8, the CLI as scripts use it, against a small fake of the local API (the behaviours
 * need a run lasting minutes or a slow pipe reader, which the real app cannot be made to show quickly):
 *  - `--json` output through a slow pipe arrives whole (it was cut at 64 KiB with exit code 0);
 *  - `run --wait` waits in requests shorter than Node's 300 s fetch headers timeout, however long the run;
 *  - `run --seeds a..b --wait` waits for the batch.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = join(__dirname, '..', '..', '..', '..')
const BIG_LIST = Array.from({ length: 2000 }, (_, i) => ({ id: `s${i}`, name: `gpu-${i}`, pad: 'p'.repeat(150) }))

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
    if (b.seeds) return send(res, 202, { run_ids: [], batch_ids: ['batch-1'] })
    return send(res, 202, { run_ids: ['run-1'], batch_ids: [], message: 'Run run-1 is still going' })
  }
  if (u.pathname === '/workflow/result/run-1') {
    seen.resultWaits.push(Number(u.searchParams.get('wait_s')))
    const done = seen.resultWaits.length >= 2
    return send(res, 200, {
      run_id: 'run-1',
      status: done ? 'completed' : 'running',
      error: null,
      images: done ? [{ path: '/cache/a.png', url: '/api/images/a' }] : [],
    })
  }
  if (u.pathname === '/batches') {
    seen.batchPolls += 1
    const done = seen.batchPolls >= 2
    const b = { id: 'batch-1', name: 'b', total: 4, failed: 0, cancelled: 0, createdAt: 1 }
    return send(res, 200, [{ ...b, status: done ? 'completed' : 'running', completed: done ? 4 : 1, running: 3 }])
  }
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
})
