/**
 * A GPU host as deployed: its own simulator and a standalone worker process (the built one) with its own
 * data dir, on a given Temporal and task queue. For the tests of many machines on one.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SimServer } from '../../sim'
import { ROOT, until } from './app'

export const HOST_CKPT = 'v1-5-pruned-emaonly.safetensors'

export interface Host {
  id: string
  sim: SimServer
  worker: ChildProcess
  /** The worker's last 20,000 characters of output. */
  out: string
  dataDir: string
}

export async function startHost(o: {
  id: string
  temporalAddress: string
  taskQueue: string
  stepMs: number
}): Promise<Host> {
  const { id } = o
  const sim = new SimServer({
    name: id,
    models: { checkpoints: [HOST_CKPT] },
    timing: { stepMs: o.stepMs, nodeMs: 2, loadMs: 5 },
  })
  await sim.start()
  const dataDir = mkdtempSync(join(tmpdir(), `farm-${id}-`))
  writeFileSync(
    join(dataDir, 'worker.json'),
    JSON.stringify({
      temporal: { address: o.temporalAddress, namespace: 'default' },
      taskQueue: o.taskQueue,
      dataDir: '.',
      workflowBundlePath: join(ROOT, 'resources/workflow-bundle.js'),
      servers: [{ id: `${id}-gpu0`, name: `${id} GPU 0`, address: sim.url, slots: 2 }],
    })
  )
  const worker = spawn(process.execPath, [join(ROOT, 'out/main/worker.js'), '--config', join(dataDir, 'worker.json')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const host: Host = { id, sim, worker, out: '', dataDir }
  const keep = (c: Buffer): void => void (host.out = (host.out + c.toString()).slice(-20_000))
  worker.stdout?.on('data', keep)
  worker.stderr?.on('data', keep)
  await until(() => host.out.includes('worker running on task queue'), 60_000, `worker ${id} running`)
  return host
}

/** Stops a host's worker (SIGTERM) and its simulator; for afterAll. */
export async function stopHost(h: Host): Promise<void> {
  h.worker.kill('SIGTERM')
  await h.sim.stop().catch(() => undefined)
}
