/**
 * A simulated farm in its own process (GPU servers are other machines: their timers must not share an
 * event loop with the system under test). Started by remote-farm.ts; reports its URLs over IPC.
 */
import { startFarm } from '../../sim'
import type { SimFarmOptions } from '../../sim'

type Boot = SimFarmOptions

process.once('message', (raw) => {
  const boot = raw as Boot
  void startFarm(boot).then(
    (farm) => process.send?.({ urls: farm.servers.map((s) => s.url), names: farm.servers.map((s) => s.name) }),
    (e: unknown) => {
      console.error(e)
      process.exit(1)
    }
  )
})
process.on('disconnect', () => process.exit(0))
// Stopped with SIGTERM (remote-farm.ts): exit normally, so the simulators' own temp folders go (sim/state/scratch-dir.ts).
process.on('SIGTERM', () => process.exit(0))
