/**
 * Intake fuzzing through the real API (POST /workflow/execute on a headless core with a simulated server
 * registered): 1,000 generated and mutated files and bodies (fuzz-cases.ts). Each must get a 4xx JSON answer
 * with error.code and error.message; afterwards nothing is queued (no run in the history, nothing accepted by
 * the simulator), the image cache is unchanged, and the core still runs a valid workflow.
 * FUZZ_SEED=<seed> replays a set.
 */
import { readdirSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SimServer } from '../../sim'
import { registerServers, startFleet, type FleetHandle } from '../../bench/lib/fleet-core'
import { Prng } from '../../bench/lib/prng'
import { txt2img } from '../../bench/lib/prompts'
import { fuzzCases } from './fuzz-cases'

const CASES = 1000

/**
 * One POST on its own connection (no keep-alive pool): a pooled socket left idle while cases are generated
 * can meet the server's idle close — an ECONNRESET that says nothing about intake.
 */
function post(url: string, token: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      }
    )
    req.on('error', reject)
    req.end(body)
  })
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()
  } catch {
    return []
  }
}

describe('intake fuzzing', () => {
  let sim: SimServer
  let fleet: FleetHandle
  beforeAll(async () => {
    sim = new SimServer({ name: 'gpu-0', timing: { stepMs: 0, nodeMs: 0, loadMs: 0 } })
    await sim.start()
    fleet = await startFleet()
    await registerServers(fleet.client, [{ name: sim.name, url: sim.url }])
  })
  afterAll(async () => {
    await fleet?.stop()
    await sim?.stop()
  })

  it(`refuses ${CASES} broken files with a clear error and queues nothing`, async () => {
    const fromEnv = Number(process.env.FUZZ_SEED)
    const seed = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.floor(Math.random() * 2 ** 31) + 1
    console.log(`FUZZ_SEED=${seed} (set it to replay these cases)`)
    const imagesDir = join(fleet.dataDir, 'images')
    const before = listFiles(imagesDir)
    const url = `${fleet.core.info().localApi.url!}/workflow/execute`
    const wrong: string[] = []
    const codes = new Map<string, number>()
    for (const [i, c] of fuzzCases(new Prng(seed), CASES).entries()) {
      let status: number
      let text: string
      try {
        ;({ status, text } = await post(url, fleet.core.token, c.body))
      } catch (e) {
        wrong.push(`#${i} ${c.kind}: no answer (${(e as Error).message}), body ${c.body.length} chars`)
        continue
      }
      let error: { code?: unknown; message?: unknown } = {}
      try {
        error = (JSON.parse(text) as { error?: typeof error }).error ?? {}
      } catch {
        /* judged below */
      }
      const clear =
        typeof error.code === 'string' && error.code !== '' && typeof error.message === 'string' && error.message !== ''
      if (status < 400 || status >= 500 || !clear) wrong.push(`#${i} ${c.kind}: ${status} ${text.slice(0, 300)}`)
      else codes.set(`${c.kind} → ${String(error.code)}`, (codes.get(`${c.kind} → ${String(error.code)}`) ?? 0) + 1)
    }
    console.log([...codes.entries()].map(([k, n]) => `  ${n}× ${k}`).join('\n'))
    expect(wrong, `seed ${seed}`).toEqual([])
    expect(fleet.core.cache.runs.listActive()).toEqual([])
    expect((await fleet.client.history({ limit: 10 })).items).toEqual([])
    expect(sim.stats().accepted).toBe(0)
    expect(listFiles(imagesDir)).toEqual(before)
    // Still alive and working after all of it.
    const ok = await fleet.client.executeWorkflow(txt2img({ seed: 1 }), { wait: true })
    expect(ok.status).toBe('completed')
    expect(sim.stats().accepted).toBe(1)
  })
})
