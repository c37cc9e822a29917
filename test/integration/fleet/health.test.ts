/**
 * The health loop against real simulated ComfyUI servers going up, down, hanging and slowing down.
 * Intervals are shortened through the monitor's options; assertions wait for states, never on speed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { untilValue } from '../../helpers/until'
import { openDatabase, type CacheDatabase } from '../../../src-main/cache'
import { HealthMonitor, ServerRegistry, type HealthChange } from '../../../src-main/fleet'
import type { HealthState } from '../../../src-shared/contract/servers'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { objectInfo, SimServer } from '../../../sim'

const FAST = {
  intervalMs: 50,
  timeoutMs: 2000,
  slowMs: 800,
  backoffInitialMs: 40,
  backoffMaxMs: 320,
  objectInfoTimeoutMs: 5000,
}

let db: CacheDatabase
let registry: ServerRegistry
let monitor: HealthMonitor
let changes: HealthChange[]
const sims: SimServer[] = []

async function startSim(name: string, models?: Record<string, string[]>, port = 0): Promise<SimServer> {
  const sim = new SimServer({
    port,
    name,
    device: { name: `RTX ${name}`, vramTotal: 24e9 },
    ...(models ? { models } : {}),
  })
  await sim.start()
  sims.push(sim)
  return sim
}

function addServer(sim: SimServer): string {
  const r = registry.add({ name: sim.name, address: sim.url })
  if (!r.ok) throw new Error(r.error.message)
  monitor.watch(r.value.id, r.value.address)
  return r.value.id
}

const stateIs = (id: string, state: HealthState) => () => monitor.health(id).state === state

beforeEach(() => {
  db = openDatabase(null)
  registry = new ServerRegistry(db)
  monitor = new HealthMonitor(registry, FAST)
  changes = []
  monitor.onChange((c) => changes.push(c))
})

afterEach(async () => {
  monitor.stop()
  await Promise.all(sims.splice(0).map((s) => s.stop()))
  db.close()
})

describe('HealthMonitor against the simulator', () => {
  it('reports an answering server online with its device, version, queue and capabilities', async () => {
    const sim = await startSim('gpu-a', { checkpoints: ['alpha.safetensors'] })
    const id = addServer(sim)
    await untilValue('online', stateIs(id, 'online'))
    const health = monitor.health(id)
    expect(health.device?.name).toContain('RTX gpu-a')
    expect(health.device?.vramTotal).toBe(24e9)
    expect(health.comfyuiVersion).toMatch(/^\d+\.\d+\.\d+$/)
    expect(health.queueRemaining).toBe(0)
    expect(health.latencyMs).not.toBeNull()
    expect(health.error).toBeNull()
    const caps = monitor.capabilities(id)
    expect(caps?.nodeClasses).toContain('KSampler')
    expect(caps?.enums['CheckpointLoaderSimple.ckpt_name']).toEqual(['alpha.safetensors'])
    // Persisted: a new monitor (app restart) has the routing data before the server answers.
    expect(new HealthMonitor(registry).capabilities(id)?.enums['CheckpointLoaderSimple.ckpt_name']).toEqual([
      'alpha.safetensors',
    ])
    expect(changes.some((c) => c.type === 'capabilities' && c.serverId === id)).toBe(true)
    expect(changes.some((c) => c.type === 'health' && c.health.state === 'online')).toBe(true)
  })

  it('goes offline on a crash with growing backoff, and comes back with capabilities re-read', async () => {
    const sim = await startSim('gpu-b', { checkpoints: ['before.safetensors'] })
    const id = addServer(sim)
    await untilValue('online', stateIs(id, 'online'))
    const port = sim.port
    await sim.crash()
    await untilValue('offline', stateIs(id, 'offline'))
    expect(monitor.health(id).error).toMatch(/Cannot reach|did not answer/)
    expect(monitor.health(id).lastSeenAt).not.toBeNull()

    // Every observed (failures, delay) pair follows the doubling rule, and the delay reaches its cap.
    const seen = new Map<number, number>()
    await untilValue('backoff to reach its cap', () => {
      const { failures, nextDelayMs } = monitor.retryState(id)
      if (nextDelayMs !== null && failures > 0) seen.set(failures, nextDelayMs)
      return failures >= 6 && seen.size >= 3
    })
    for (const [failures, delay] of seen) expect(delay).toBe(Math.min(40 * 2 ** (failures - 1), 320))
    expect([...seen.values()]).toContain(320)

    // The same port comes back as a different ComfyUI (other models): object_info must be re-read.
    const again = await startSim('gpu-b2', { checkpoints: ['after.safetensors'] }, port)
    expect(again.url).toBe(sim.url)
    await untilValue('online again', stateIs(id, 'online'))
    await untilValue('new capabilities', () =>
      monitor.capabilities(id)?.enums['CheckpointLoaderSimple.ckpt_name']?.includes('after.safetensors')
    )
    expect(monitor.retryState(id).failures).toBe(0)
    // A loaded machine may add a transient 'degraded' (slow answer); the transitions that matter remain.
    const states = changes
      .flatMap((c) => (c.type === 'health' && c.health.state !== 'degraded' ? [c.health.state] : []))
      .filter((state, i, all) => state !== all[i - 1])
    expect(states).toEqual(['online', 'offline', 'online'])
  })

  it('treats a hanging server as offline and recovers when it answers again', async () => {
    const sim = await startSim('gpu-c')
    const id = addServer(sim)
    await untilValue('online', stateIs(id, 'online'))
    sim.setFaults({ hang: true })
    await untilValue('offline', stateIs(id, 'offline'))
    expect(monitor.health(id).error).toMatch(/did not answer GET \/system_stats within 2000 ms/)
    sim.setFaults({ hang: false })
    await untilValue('online', stateIs(id, 'online'))
  })

  it('marks a slow server degraded, then online when it speeds up', async () => {
    const sim = await startSim('gpu-d')
    const id = addServer(sim)
    await untilValue('online', stateIs(id, 'online'))
    sim.setFaults({ slowMs: 1000 })
    await untilValue('degraded', stateIs(id, 'degraded'))
    expect(monitor.health(id).error).toMatch(/slow/)
    sim.setFaults({ slowMs: 0 })
    await untilValue('online', stateIs(id, 'online'))
  })

  it('reports the queue depth the server has', async () => {
    const sim = new SimServer({ name: 'gpu-q', timing: { nodeMs: 1500 } })
    await sim.start()
    sims.push(sim)
    const id = addServer(sim)
    await untilValue('online', stateIs(id, 'online'))
    const prompt = {
      '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
      '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'q' } },
    }
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${sim.url}/prompt`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          prompt: { ...prompt, '1': { ...prompt['1'], inputs: { ...prompt['1'].inputs, color: i } } },
        }),
      })
      expect(res.status).toBe(200)
    }
    await untilValue('queue seen', () => (monitor.health(id).queueRemaining ?? 0) >= 2)
    expect(changes.some((c) => c.type === 'health' && (c.health.queueRemaining ?? 0) >= 2)).toBe(true)
  })

  it('stops checking a server it no longer watches', async () => {
    const sim = await startSim('gpu-e')
    const id = addServer(sim)
    await untilValue('online', stateIs(id, 'online'))
    await sim.crash()
    monitor.unwatch(id)
    expect(monitor.health(id).state).toBe('unknown')
    const count = changes.length
    await new Promise((r) => setTimeout(r, 300))
    expect(changes.length).toBe(count)
  })
})

/**
 * A hostile server (sec/objinfo-big-stalls-api): its reported argv changes on every probe, which once made
 * the app re-read a 64 MB /object_info each time. It counts what it is asked.
 */
async function hostileServer(objectInfoBody: string): Promise<{ url: string; hits: Map<string, number> }> {
  const hits = new Map<string, number>()
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? ''
    hits.set(path, (hits.get(path) ?? 0) + 1)
    res.setHeader('content-type', 'application/json')
    if (path === '/system_stats') {
      const system = { comfyui_version: '0.3.64', argv: ['main.py', `--nonce=${hits.get(path)}`] }
      return res.end(JSON.stringify({ system, devices: [{ name: 'evil', type: 'cuda', vram_total: 1, vram_free: 1 }] }))
    }
    if (path === '/prompt') return res.end(JSON.stringify({ exec_info: { queue_remaining: 0 } }))
    // Written, then ended: sent chunked, without a content-length, so only counting the bytes can stop it.
    if (path === '/object_info') return res.write(objectInfoBody, () => res.end())
    res.statusCode = 404
    res.end('{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  hostile.push(server)
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits }
}
const hostile: Server[] = []

describe('HealthMonitor against a hostile server', () => {
  afterEach(() => {
    for (const server of hostile.splice(0)) server.close()
  })

  function watchHostile(url: string, options: ConstructorParameters<typeof HealthMonitor>[1] = {}): string {
    monitor.stop()
    monitor = new HealthMonitor(registry, { ...FAST, ...options })
    const r = registry.add({ name: 'evil', address: url })
    if (!r.ok) throw new Error(r.error.message)
    monitor.watch(r.value.id, r.value.address)
    return r.value.id
  }

  it('refuses an /object_info over the cap, saying so, and does not re-read it on every probe', async () => {
    const big = JSON.stringify({ Pad: { input: { required: { x: [['a'.repeat(600 * 1024)]] } } } })
    const { url, hits } = await hostileServer(big)
    const id = watchHostile(url, { objectInfoMaxBytes: 512 * 1024 })
    await untilValue('several probes', () => (hits.get('/system_stats') ?? 0) >= 6)
    expect(monitor.health(id).state).toBe('degraded')
    expect(monitor.health(id).error).toMatch(
      /node list \(\/object_info\) unreadable: .*larger than the 512 KB accepted/
    )
    expect(hits.get('/object_info')).toBe(1)
  })

  it('an identity that changes on every probe re-reads /object_info at most once per gap', async () => {
    const { url, hits } = await hostileServer(JSON.stringify(objectInfo()))
    const id = watchHostile(url)
    await untilValue('capabilities', () => monitor.capabilities(id))
    await untilValue('several probes', () => (hits.get('/system_stats') ?? 0) >= 6)
    expect(hits.get('/object_info')).toBe(1)
    expect(monitor.health(id).state).toBe('online')
  })
})
