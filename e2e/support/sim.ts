import { SimServer } from '../../sim/server'
import { SIM_CHECKPOINTS } from './workflows'

/** Starts a real simulated ComfyUI server on an ephemeral port with the e2e checkpoints and GPU name. */
export async function startSim(opts: {
  name: string
  gpu: string
  stepMs?: number
  previews?: boolean
}): Promise<SimServer> {
  const sim = new SimServer({
    name: opts.name,
    device: { name: opts.gpu, vramTotal: 24 * 1024 ** 3 },
    models: { checkpoints: SIM_CHECKPOINTS },
    timing: { stepMs: opts.stepMs ?? 10 },
    previews: opts.previews ?? false,
  })
  await sim.start()
  return sim
}
