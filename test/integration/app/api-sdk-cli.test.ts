import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { request } from 'node:http'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ComfyFleetClient, ComfyFleetError } from '../../../sdk'
import { SimServer } from '../../../sim'
import type { AppCore } from '../../../src-main/core/app-core'
import { ROOT, startCore, until } from '../../helpers/app'

const run = promisify(execFile)
const CKPT = 'v1-5-pruned-emaonly.safetensors'

function prompt(text: string, seed: number, steps = 4): Record<string, unknown> {
  const p = JSON.parse(
    readFileSync(join(ROOT, 'test/fixtures/workflows/basic-api-example.api.json'), 'utf8')
  ) as Record<string, { inputs: Record<string, unknown> }>
  p['6']!.inputs.text = text
  p['3']!.inputs.seed = seed
  p['3']!.inputs.steps = steps
  return p
}

/** The ComfyFleetError a call was refused with (fails the test if it was not). */
async function refusal(p: Promise<unknown>): Promise<ComfyFleetError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x
  )
  expect(e).toBeInstanceOf(ComfyFleetError)
  return e as ComfyFleetError
}

let sim: SimServer
let core: AppCore
let fleet: ComfyFleetClient
let url: string
const workDir = mkdtempSync(join(tmpdir(), 'cf-api-'))

async function cli(
  args: string[],
  env: Record<string, string> = {}
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [join(ROOT, 'bin/comfyfleet.js'), ...args], {
      env: { ...process.env, COMFYFLEET_URL: url, COMFYFLEET_DATA_DIR: core.info().dataDir, ...env },
    })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string }
    return { code: x.code, stdout: x.stdout, stderr: x.stderr }
  }
}

beforeAll(async () => {
  sim = new SimServer({
    name: 'api-gpu',
    device: { name: 'NVIDIA RTX A6000', vramTotal: 48e9 },
    models: { checkpoints: [CKPT] },
    timing: { stepMs: 5 },
  })
  await sim.start()
  core = await startCore()
  url = core.info().localApi.url!
  fleet = new ComfyFleetClient({ url, token: core.token })
})

afterAll(async () => {
  await core?.stop()
  await sim?.stop()
})

describe('local API', () => {
  test('refuses calls without the token, and requests for another Host or Origin', async () => {
    const noToken = await fetch(`${url}/servers`)
    expect(noToken.status).toBe(401)
    expect(((await noToken.json()) as { error: { code: string } }).error.code).toBe('auth/required')
    const wrong = await fetch(`${url}/servers`, { headers: { authorization: 'Bearer nope' } })
    expect(wrong.status).toBe(401)
    // fetch() will not send a foreign Host header; a raw request can, as a DNS-rebinding page would.
    const rebinding = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${url}/servers`,
        { headers: { authorization: `Bearer ${core.token}`, host: 'evil.example:80' } },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        }
      )
      req.on('error', reject)
      req.end()
    })
    expect(rebinding).toBe(403)
    const csrf = await fetch(`${url}/servers`, {
      headers: { authorization: `Bearer ${core.token}`, origin: 'http://evil.example' },
    })
    expect(csrf.status).toBe(403)
  })

  test('a one-time sign-in link gives the browser a session that authorises the bridge, and only that', async () => {
    expect((await fetch(`${url}/`)).headers.get('set-cookie')).toBeNull()
    const login = await fetch(await fleet.loginUrl(), { redirect: 'manual' })
    expect(login.status).toBe(303)
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const page = await fetch(`${url}/`, { headers: { cookie } })
    expect(await page.text()).toContain('<div id="root"')
    const info = await fetch(`${url}/api/bridge/app:info`, { method: 'POST', headers: { cookie }, body: '{}' })
    expect(info.status).toBe(200)
    expect(((await info.json()) as { mode: string }).mode).toBe('headless')
    const unknown = await fetch(`${url}/api/bridge/app:rm-rf`, { method: 'POST', headers: { cookie }, body: '{}' })
    expect(unknown.status).toBe(404)
  })
})

describe('SDK end to end (headless core + simulator + real Temporal)', () => {
  test('register a server; a duplicate address is refused with a clear error', async () => {
    const s = await fleet.registerServer({ name: 'gpu-a', address: sim.url })
    expect(s.address).toBe(sim.url)
    await until(async () => (await fleet.listServers())[0]?.health.state === 'online', 20_000, 'server online')
    const [view] = await fleet.listServers()
    expect(view!.health.device?.name).toContain('RTX A6000')
    const dup = await fleet.registerServer({ name: 'again', address: sim.url }).catch((e: unknown) => e)
    expect(dup).toBeInstanceOf(ComfyFleetError)
    expect((dup as ComfyFleetError).status).toBe(409)
    expect((dup as ComfyFleetError).message).toMatch(/already/i)
    // Wait until the app has the server's /object_info (needed for UI workflows).
    await until(() => core.fleet.objectInfo(view!.id) !== null, 20_000, 'object_info cached')
  })

  test('executeWorkflow waits for the run and returns images stored in the cache by content hash', async () => {
    const r = await fleet.executeWorkflow(prompt('a lighthouse at dawn', 7), { name: 'lighthouse' })
    expect(r.status).toBe('completed')
    expect(r.images).toHaveLength(1)
    const img = r.images[0]!
    expect(img.path).toBeTruthy()
    expect(createHash('sha256').update(readFileSync(img.path!)).digest('hex')).toBe(img.hash)
    expect(img.width).toBe(512)
    const status = await fleet.status(r.run_id)
    expect(status.status).toBe('completed')
    expect(status.outputs[0]!.hash).toBe(img.hash)
    expect(Object.values(sim.stats().executions)).toEqual([1])
    const bytes = await fleet.image(img.hash, 'thumb')
    expect(bytes.subarray(8, 12).toString('latin1')).toBe('WEBP')
  })

  test('a UI-format workflow file is converted with the server object_info and runs', async () => {
    const ui = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/workflows/default-graph.json'), 'utf8')) as {
      nodes: { id: number; type: string; widgets_values: unknown[] }[]
    }
    for (const n of ui.nodes) if (n.type === 'CheckpointLoaderSimple') n.widgets_values = [CKPT]
    const file = join(workDir, 'default-ui.json')
    writeFileSync(file, JSON.stringify(ui))
    const r = await fleet.executeWorkflow(file)
    expect(r.status).toBe('completed')
    const detail = await fleet.result(r.run_id)
    expect(detail.run.workflow).toEqual(ui)
  })

  test('bad input: a clear error naming what was wrong, and nothing is queued', async () => {
    const before = (await fleet.runs()).length
    const accepted = sim.stats().accepted
    const notJson = await refusal(fleet.executeWorkflow({ name: 'notes.txt', bytes: Buffer.from('hello') }))
    expect(notJson.code).toBe('intake/not-json')
    expect(notJson.status).toBe(400)
    const unknownNode = await refusal(fleet.executeWorkflow({ '1': { class_type: 'MadeUpNode', inputs: {} } }))
    expect(unknownNode.code).toBe('intake/unknown-node-types')
    expect(unknownNode.message).toContain('MadeUpNode')
    const bad = prompt('a cat', 1)
    ;(bad['3'] as { inputs: Record<string, unknown> }).inputs.steps = 'ten'
    ;(bad['4'] as { inputs: Record<string, unknown> }).inputs.ckpt_name = 'nowhere.safetensors'
    const badValues = await refusal(fleet.executeWorkflow(bad))
    expect(badValues.code).toBe('intake/invalid-inputs')
    expect(badValues.status).toBe(400)
    expect(badValues.message).toContain(
      `gpu-a rejects this workflow's inputs: node 3 (KSampler) steps: "ten" is not a whole number`
    )
    expect(badValues.message).toContain(
      `node 4 (CheckpointLoaderSimple) ckpt_name: 'nowhere.safetensors' is not one of the options (1 available: '${CKPT}')`
    )
    expect((await fleet.runs()).length).toBe(before)
    expect(sim.stats().accepted).toBe(accepted)
  })

  test('a seed range becomes a batch of runs, each with its own seed', async () => {
    const { batch_ids } = await fleet.submit(prompt('a field of tulips', 0), { seeds: '100..103' })
    expect(batch_ids).toHaveLength(1)
    await until(async () => (await fleet.history({ text: 'tulips' })).items.length === 4, 60_000, '4 batch images')
    const seeds = (await fleet.history({ text: 'tulips' })).items.map((i) => i.seed).sort()
    expect(seeds).toEqual([100, 101, 102, 103])
  })

  test('submitMany starts every workflow of one request and answers their run ids in the order sent', async () => {
    const steps = [2, 12, 6]
    const workflows = steps.map((n, i) => prompt(`a burst ${i}`, i, n))
    const r = await fleet.submitMany(workflows)
    expect(r.run_ids).toHaveLength(3)
    expect(r.batch_ids).toEqual([])
    const done = await Promise.all(r.run_ids.map((id) => fleet.waitForRun(id, 60)))
    expect(done.map((d) => d.status)).toEqual(['completed', 'completed', 'completed'])
    const names = new Map((await fleet.runs()).map((x) => [x.id, x.name]))
    expect(r.run_ids.map((id) => names.get(id))).toEqual(['workflow-1', 'workflow-2', 'workflow-3'])
  })

  test('submitMany refuses a bad workflow in the burst naming it, and starts none', async () => {
    const before = (await fleet.runs()).length
    const e = await refusal(fleet.submitMany([prompt('fine', 1), { '1': { class_type: 'NoSuchNode', inputs: {} } }]))
    expect(e.status).toBe(400)
    expect(e.message).toContain('NoSuchNode')
    expect((await fleet.runs()).length).toBe(before)
  })
})

describe('CLI end to end', () => {
  test('servers list, run --wait prints image paths, history --search, export', async () => {
    const list = await cli(['servers', 'list'])
    expect(list.code).toBe(0)
    expect(list.stdout).toContain('gpu-a')
    expect(list.stdout).toContain('online')

    const file = join(workDir, 'cat.json')
    writeFileSync(file, JSON.stringify(prompt('a cat on a windowsill', 42)))
    const r = await cli(['run', file, '--wait'])
    expect(r.code).toBe(0)
    const [head, path] = r.stdout.trim().split('\n')
    expect(head).toMatch(/^run-[0-9a-f]+ completed$/)
    expect(readFileSync(path!).subarray(1, 4).toString()).toBe('PNG')

    const h = await cli(['history', '--search', 'cat'])
    expect(h.code).toBe(0)
    expect(h.stdout).toContain('a cat on a windowsill')

    const runId = head!.split(' ')[0]!
    const out = join(workDir, 'export')
    expect((await cli(['export', runId, out])).code).toBe(0)
    expect(readdirSync(out).sort()).toEqual([`${runId}.api.json`, `${runId}_01.png`])

    const dog = join(workDir, 'dog.json')
    writeFileSync(dog, JSON.stringify(prompt('a dog on a sofa', 43)))
    const many = await cli(['run', file, dog, '--wait'])
    expect(many.code).toBe(0)
    expect(many.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/completed$/),
      expect.stringMatching(/completed$/),
    ])
  })

  test('servers rm on a server with a run on it moves the run to another server first', async () => {
    const slow = new SimServer({ name: 'api-gpu-b', models: { checkpoints: [CKPT] }, timing: { stepMs: 20 } })
    await slow.start()
    try {
      const [a] = await fleet.listServers()
      const b = await fleet.registerServer({ name: 'gpu-b', address: slow.url })
      await until(() => core.fleet.list().find((s) => s.id === b.id)?.health.state === 'online', 20_000, 'b online')
      // Only gpu-b takes runs while this one is placed.
      await fleet.drainServer(a!.id)
      const p = prompt('a lantern in the fog', 9)
      ;(p['3'] as { inputs: Record<string, unknown> }).inputs.steps = 200
      const { run_ids } = await fleet.submit(p)
      const runId = run_ids[0]!
      await until(async () => (await fleet.status(runId)).status === 'running', 20_000, 'running on gpu-b')
      await fleet.drainServer(a!.id, false)

      const rm = await cli(['servers', 'rm', 'gpu-b'])
      expect(rm.stderr).toBe('')
      expect(rm.code).toBe(0)
      expect(rm.stdout.trim()).toBe(`removed; moved ${runId} to other servers`)
      expect((await fleet.listServers()).map((s) => s.name)).toEqual(['gpu-a'])

      await until(async () => (await fleet.status(runId)).status === 'completed', 30_000, 'completed on gpu-a')
      expect((await fleet.status(runId)).server?.id).toBe(a!.id)
      expect(slow.stats().interrupted).toBe(1)
      expect(Object.keys(slow.stats().executions)).toEqual([])
      expect(slow.stats().queueLength).toBe(0)
    } finally {
      await slow.stop()
    }
  })

  test('exit codes: usage 2, refused 3, unreachable 4', async () => {
    expect((await cli([])).code).toBe(2)
    expect((await cli(['frobnicate'])).code).toBe(2)
    const refused = await cli(['status', 'run-doesnotexist'])
    expect(refused.code).toBe(3)
    expect(refused.stderr).toContain('runs/unknown')
    const down = await cli(['servers', 'list'], { COMFYFLEET_URL: 'http://127.0.0.1:9' })
    expect(down.code).toBe(4)
    expect(down.stderr).toContain('Cannot reach ComfyFleet')
    expect(down.stderr).toContain('ECONNREFUSED')
  })

  test('with the simulator and the Temporal server stopped, history still answers from the cache', async () => {
    await sim.stop()
    await core.temporal.stop()
    const h = await cli(['history', '--search', 'cat'])
    expect(h.code).toBe(0)
    expect(h.stdout).toContain('a cat on a windowsill')
    const page = await fleet.history({ text: 'lighthouse' })
    expect(page.items).toHaveLength(1)
    const img = await fleet.image(page.items[0]!.hash!)
    expect(img.subarray(1, 4).toString()).toBe('PNG')
  })
})
