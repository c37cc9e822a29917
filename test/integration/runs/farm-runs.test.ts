/**
 * The many-machines topology on one machine: one Temporal dev server as the cluster, two standalone
 * workers (GPU hosts) with their own data dirs and simulators, and the app in remote mode with no
 * servers of its own. The desktop must record every run with its images (fetched from the host's
 * ComfyUI, there is no shared disk), see remote runs live, and keep going when a host dies.
 * Lean on purpose (2 cores shared): few steps, fast simulator timing.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Client, Connection } from '@temporalio/client'
import { ComfyFleetClient } from '../../../sdk'
import { txt2img } from '../../../sim/samples/txt2img'
import type { AppCore } from '../../../src-main/core/app-core'
import { OWNER_SILENT } from '../../../src-main/fleet/farm-servers'
import { RunClient } from '../../../src-main/runs/run-client'
import type { ApiPrompt, FarmServer } from '../../../src-shared/contract'
import { BlobStore } from '../../../src-shared/storage/blob-store'
import { startCore, until } from '../../helpers/app'
import { HOST_CKPT, type Host, startHost, stopHost } from '../../helpers/standalone-host'
import { untilValue } from '../../helpers/until'
import { DevServer, quietRuntime } from '../engine/helpers'

const CKPT = HOST_CKPT
const TASK_QUEUE = `farm-${Math.random().toString(36).slice(2, 10)}`

let temporal: DevServer
let core: AppCore
let api: ComfyFleetClient
const hosts: Host[] = []

function prompt(text: string, steps: number): ApiPrompt {
  return txt2img({ ckpt: CKPT, text, steps, seed: 1, prefix: 'farm' })
}

beforeAll(async () => {
  quietRuntime()
  temporal = new DevServer()
  await temporal.start()
  const host = (id: string): Promise<Host> =>
    startHost({ id, temporalAddress: temporal.address, taskQueue: TASK_QUEUE, stepMs: 3 })
  hosts.push(await host('host-a'), await host('host-b'))
  const dataDir = mkdtempSync(join(tmpdir(), 'farm-desk-'))
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(
    join(dataDir, 'settings.json'),
    JSON.stringify({ temporal: { mode: 'remote', address: temporal.address, namespace: 'default' } })
  )
  core = await startCore({ dataDir, overrides: { taskQueue: TASK_QUEUE } })
  api = new ComfyFleetClient({ url: core.info().localApi.url!, token: core.token })
}, 180_000)

afterAll(async () => {
  await core?.stop().catch(() => undefined)
  for (const h of hosts) await stopHost(h)
  await temporal?.stop()
})

async function farmServers(): Promise<FarmServer[]> {
  const res = await fetch(new URL('/farm/servers', core.info().localApi.url!), {
    headers: { authorization: `Bearer ${core.token}` },
  })
  return (await res.json()) as FarmServer[]
}

/** How many times the farm's simulators completed each prompt. */
function executions(): number[] {
  const all = new Map<string, number>()
  for (const h of hosts)
    for (const [id, n] of Object.entries(h.sim.stats().executions)) all.set(id, (all.get(id) ?? 0) + n)
  return [...all.values()]
}

describe('a farm of standalone workers seen from a remote-mode desktop', () => {
  it('records a 24-run batch exactly once, every image in History with its thumbnail', async () => {
    const { batch_ids } = await api.submit(prompt('a lighthouse at dusk', 4), { seeds: '1..24' })
    await until(
      async () => (await api.batches()).find((b) => b.id === batch_ids[0])?.completed === 24,
      150_000,
      '24 runs completed'
    )
    await until(
      async () => (await api.history({ text: 'lighthouse', limit: 100 })).items.length === 24,
      30_000,
      'History'
    )
    const items = (await api.history({ text: 'lighthouse', limit: 100 })).items
    expect(new Set(items.map((i) => i.seed))).toEqual(new Set(Array.from({ length: 24 }, (_, i) => i + 1)))
    for (const item of items) {
      expect(item.hash).not.toBeNull()
      expect(core.cache.findImage(item.hash!)).not.toBeNull()
      expect(await core.cache.thumbnail(item.hash!)).not.toBeNull()
    }
    // Both hosts worked, and none of the desktop's images came from a shared disk.
    expect(hosts.every((h) => h.sim.stats().completed > 0)).toBe(true)
    const counts = executions()
    expect(counts).toHaveLength(24)
    expect(counts.every((n) => n === 1)).toBe(true)
  }, 200_000)

  it('sends the live state of a remote run (server, node, step) on the events socket', async () => {
    const url = new URL('/api/events', core.info().localApi.url!)
    url.protocol = 'ws:'
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${core.token}` } })
    await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject))
    const frames: { channel: string; payload: Record<string, unknown> }[] = []
    ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString()) as (typeof frames)[number]))
    try {
      // ~6 s of sampling: long enough for the desktop to see it running on the host.
      const run = await api.submit(prompt('a slow river', 2000), {})
      const runId = run.run_ids[0]!
      await until(
        () =>
          frames.some(
            (f) =>
              f.channel === 'runs:progress' &&
              f.payload.runId === runId &&
              f.payload.classType === 'KSampler' &&
              typeof f.payload.value === 'number' &&
              typeof f.payload.serverId === 'string'
          ),
        30_000,
        'a progress frame of the remote run'
      )
      await until(
        () =>
          frames.some((f) => f.channel === 'runs:changed' && f.payload.id === runId && f.payload.status === 'running'),
        5_000,
        'the run shown running'
      )
      await until(
        async () => (await api.history({ text: 'slow river' })).items.length === 1,
        60_000,
        'the run recorded'
      )
    } finally {
      ws.close()
    }
  }, 120_000)

  it('gives each server one owner: a host server registered in the desktop too is not filled twice', async () => {
    const hostB = hosts[1]!
    // The desktop sees the hosts' servers as their workers report them (GET /farm/servers).
    await until(
      async () => {
        const farm = await farmServers()
        return hosts.every((h) => farm.some((f) => f.owner.endsWith(h.dataDir) && f.report?.online === true))
      },
      30_000,
      'both hosts reporting their servers'
    )
    const reported = (await farmServers()).find((f) => f.owner.endsWith(hostB.dataDir))!
    expect(reported.report).toMatchObject({ name: 'host-b GPU 0', address: hostB.sim.url, slots: 2, accepting: true })
    expect(reported.report?.gpu).toBeTruthy()
    await api.registerServer({ name: 'host-b seen from the desk', address: hostB.sim.url })
    const workerLog = join(core.info().dataDir, 'logs', 'worker.log')
    await until(
      () => existsSync(workerLog) && readFileSync(workerLog, 'utf8').includes('is owned by worker'),
      30_000,
      'the desktop worker to find the server owned by host-b'
    )
    let most = 0
    const sampler = setInterval(() => {
      const s = hostB.sim.stats()
      most = Math.max(most, s.queueLength + (s.running === null ? 0 : 1))
    }, 10)
    try {
      const { batch_ids } = await api.submit(prompt('a kite over dunes', 30), { seeds: '1..8' })
      await until(
        async () => (await api.batches()).find((b) => b.id === batch_ids[0])?.completed === 8,
        60_000,
        '8 runs completed'
      )
    } finally {
      clearInterval(sampler)
    }
    expect(most).toBeLessThanOrEqual(2)
    expect(executions().every((n) => n === 1)).toBe(true)
  }, 120_000)

  it('refuses at submit a model no farm server has, naming it (field case dist/08)', async () => {
    const bad = prompt('a missing model', 4)
    ;(bad['4'] as { inputs: Record<string, unknown> }).inputs.ckpt_name = 'no-such-model.safetensors'
    const r = await core.runService.submit({ text: JSON.stringify(bad) })
    expect(r.ok ? null : r.error.code).toBe('intake/invalid-inputs')
    expect(r.ok ? '' : r.error.message).toContain('no-such-model.safetensors')
    const good = await core.runService.submit({ text: JSON.stringify(prompt('a model every host has', 4)) })
    expect(good.ok).toBe(true)
  }, 60_000)

  it('records a run someone else started on the farm (a script, another desktop), with its image', async () => {
    const connection = await Connection.connect({ address: temporal.address })
    try {
      const scriptPayloads = new BlobStore(mkdtempSync(join(tmpdir(), 'farm-script-')))
      const elsewhere = new RunClient(new Client({ connection }), TASK_QUEUE, scriptPayloads)
      const { runId } = await elsewhere.startRun({
        prompt: prompt('a run started elsewhere', 4),
        name: 'from a script',
      })
      await until(
        async () => (await api.history({ text: 'started elsewhere' })).items.some((i) => i.runId === runId),
        30_000,
        'the run in History'
      )
      const item = (await api.history({ text: 'started elsewhere' })).items[0]!
      expect(item.hash).not.toBeNull()
      expect(await core.cache.thumbnail(item.hash!)).not.toBeNull()
      expect((await api.runs(50)).find((r) => r.id === runId)?.name).toBe('from a script')
    } finally {
      await connection.close()
    }
  }, 60_000)

  it('keeps going on the other host when one host loses its worker and its ComfyUI, and shows that host down', async () => {
    const [dead, alive] = hosts as [Host, Host]
    dead.worker.kill('SIGKILL')
    await dead.sim.stop()
    // Until its claim lapses (20 s after its last report), the dead host's server is listed down,
    // saying why: never online on a report its owner sent before it died. Watched from now on.
    const shownDown = untilValue("the dead host's server shown down", async () =>
      (await farmServers()).find((f) => f.owner.endsWith(dead.dataDir) && f.report?.online === false)
    )
    shownDown.catch(() => undefined) // awaited below; a failure before then must not go unhandled
    const before = alive.sim.stats().completed
    // The submit reads the farm's servers; the dead host's claim does not answer (its worker's sticky
    // queue holds the query for ~10 s), and the submit must not wait for it.
    const { batch_ids } = await api.submit(prompt('a moth on glass', 4), { seeds: '1..4' })
    await until(
      async () => (await api.batches()).find((b) => b.id === batch_ids[0])?.completed === 4,
      30_000,
      '4 runs completed on the host left'
    )
    // Recorded in the desktop, images fetched from the host left.
    await until(async () => (await api.history({ text: 'moth' })).items.length === 4, 30_000, '4 runs in History')
    expect(alive.sim.stats().completed - before).toBe(4)
    const shown = await shownDown
    expect(shown.report).toMatchObject({ accepting: false, downReason: OWNER_SILENT })
  }, 60_000)
})
