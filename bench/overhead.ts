/**
 * Benchmark 1, "Overhead per run": the same runs, one at a time, through a minimal direct ComfyUI client
 * (POST /prompt, WebSocket, GET /view) and through ComfyFleet (SDK executeWorkflow wait:true → API →
 * embedded Temporal → worker process → simulator → images into the cache), on one simulated GPU with
 * 200 ms and then 0 ms of simulated work per run. The systems alternate run by run so drift on a
 * shared machine hits both alike; added latency is fleet − direct for each pair.
 *
 * A third column, the Temporal floor, runs the direct client inside a bare one-activity workflow on the
 * same Temporal server: fleet − floor is what ComfyFleet's own code adds on top of Temporal itself.
 * Each system gets its own seeds, so no run is answered from the simulator's cache of another's.
 *
 * Run: `npx tsx bench/overhead.ts [--runs 200] [--warmup 5]`. Writes bench/results/overhead.json.
 */
import { benchArgs } from './lib/args'
import { DirectComfyClient } from './lib/direct-client'
import { registerServers, startFleet, type FleetHandle } from './lib/fleet-core'
import { txt2img } from './lib/prompts'
import { startTemporalFloor } from './lib/temporal-floor'
import { RemoteFarm } from './lib/remote-farm'
import { median, printTargets, quantile, round, target, writeResult, type Target } from './lib/report'

const ARGS = benchArgs({ runs: 200, warmup: 5 })
const RUNS = ARGS.num.runs
const WARMUP = ARGS.num.warmup
const STEPS = 10

interface Phase {
  workMs: number
  directMedianMs: number
  directP95Ms: number
  floorMedianMs: number
  fleetMedianMs: number
  fleetP95Ms: number
  addedMedianMs: number
  addedP95Ms: number
  overFloorMedianMs: number
  ratio: number
  runs: number
}

async function phase(fleet: FleetHandle, workMs: number, seedBase: number): Promise<Phase> {
  // stepMs × 10 steps = the run's simulated GPU work; node and load times off so work is exactly workMs.
  // The simulated GPU in its own process, as a real one is on its own machine.
  const farm = await RemoteFarm.start({
    servers: 1,
    speeds: [1],
    timing: { stepMs: workMs / STEPS, nodeMs: 0, loadMs: 0 },
  })
  const url = farm.urls[0]!
  const views = await registerServers(fleet.client, farm.servers(), 2)
  const serverId = views.find((v) => v.address.includes(`:${new URL(url).port}`))?.id
  const direct = new DirectComfyClient(url)
  await direct.connect()
  const temporal = fleet.core.temporal.connectionConfig()
  const floor = await startTemporalFloor(temporal.address, temporal.namespace, () => direct)
  const d: number[] = []
  const fl: number[] = []
  const f: number[] = []
  try {
    for (let i = 0; i < RUNS + WARMUP; i++) {
      const seed = seedBase + i
      let t = performance.now()
      const bytes = await direct.run(txt2img({ seed, steps: STEPS, prefix: 'direct' }))
      const directMs = performance.now() - t
      if (bytes.length !== 1) throw new Error(`direct run ${i}: expected 1 image, got ${bytes.length}`)
      t = performance.now()
      const floorImages = await floor.run(txt2img({ seed: seed + 1_000_000, steps: STEPS, prefix: 'floor' }))
      const floorMs = performance.now() - t
      if (floorImages !== 1) throw new Error(`floor run ${i}: expected 1 image, got ${floorImages}`)
      t = performance.now()
      const r = await fleet.client.executeWorkflow(txt2img({ seed: seed + 2_000_000, steps: STEPS, prefix: 'fleet' }), {
        wait: true,
        ...(serverId ? { server: serverId } : {}),
      })
      const fleetMs = performance.now() - t
      if (r.status !== 'completed' || r.images.length !== 1 || !r.images[0]?.path)
        throw new Error(`fleet run ${i}: ${r.status} with ${r.images.length} images (${r.error?.message ?? ''})`)
      if (i >= WARMUP) {
        d.push(directMs)
        fl.push(floorMs)
        f.push(fleetMs)
      }
      if ((i + 1) % 50 === 0) console.log(`  ${workMs} ms: ${i + 1}/${RUNS + WARMUP} runs`)
    }
  } finally {
    await floor.stop()
    direct.close()
    if (serverId) await fleet.client.removeServer(serverId).catch(() => null)
    await farm.stop()
  }
  const added = f.map((x, i) => x - d[i]!)
  return {
    workMs,
    runs: f.length,
    directMedianMs: round(median(d)),
    directP95Ms: round(quantile(d, 0.95)),
    floorMedianMs: round(median(fl)),
    fleetMedianMs: round(median(f)),
    fleetP95Ms: round(quantile(f, 0.95)),
    addedMedianMs: round(median(added)),
    addedP95Ms: round(quantile(added, 0.95)),
    overFloorMedianMs: round(median(f.map((x, i) => x - fl[i]!))),
    ratio: round(median(f) / median(d), 3),
  }
}

async function main(): Promise<void> {
  console.log(
    `overhead: ${RUNS} runs (+${WARMUP} warm-up) per work level, direct client vs bare Temporal vs ComfyFleet, alternating`
  )
  const fleet = await startFleet()
  const phases: Phase[] = []
  try {
    phases.push(await phase(fleet, 200, 1_000))
    phases.push(await phase(fleet, 0, 100_000))
  } finally {
    await fleet.stop()
  }
  console.table(phases)
  const at200 = phases[0]!
  const targets: Target[] = [
    target('median added latency per run (200 ms work)', at200.addedMedianMs, 15, 'ms', 'max'),
    target('fleet/direct median ratio (200 ms work)', at200.ratio, 1.08, '×', 'max'),
    // Issue #17 item 6: our own share, over a bare Temporal workflow around the same direct client.
    target('median latency over the Temporal floor (200 ms work)', at200.overFloorMedianMs, 10, 'ms', 'max'),
  ]
  printTargets('overhead', targets)
  console.log(
    `  context: a bare Temporal workflow around the direct client takes ${round(at200.floorMedianMs - at200.directMedianMs)} ms more than the direct client; ComfyFleet takes ${at200.overFloorMedianMs} ms more than that floor (200 ms work)`
  )
  writeResult('overhead', { runs: RUNS, warmup: WARMUP, phases, targets })
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  }
)
