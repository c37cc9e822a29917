import type { Page } from '@playwright/test'
import type { SimServer } from '../../sim/server'
import { AppPage } from '../pages/app-page'
import { ServersPage } from '../pages/servers-page'
import { startSim } from './sim'
import { addServerOnline, setDraining } from './bridge'
import { apiPrompt, jsonFile } from './workflows'

/** What a spec says about one simulated ComfyUI server. */
export interface SimOptions {
  name: string
  gpu: string
  stepMs?: number
  previews?: boolean
}

/** The app opened with one server online, as most specs begin. */
export interface FarmWithServer {
  app: AppPage
  servers: ServersPage
  sim: SimServer
}

/** A slow server that takes the next run, and a fast spare held back (draining) until the test releases it. */
export interface SlowAndSpare {
  app: AppPage
  slow: SimServer
  spare: SimServer
  /** Lets the spare take work again (once the run is running on the slow server). */
  releaseSpare: () => Promise<void>
}

/**
 * The simulated farm of one test: every server it starts is stopped when the test ends (the `farm`
 * fixture does it), so a spec needs no try/finally of its own.
 */
export class Farm {
  private readonly started: SimServer[] = []

  constructor(private readonly page: Page) {}

  /** Starts a simulated server the test owns until it ends. */
  async sim(opts: SimOptions): Promise<SimServer> {
    const sim = await startSim(opts)
    this.started.push(sim)
    return sim
  }

  /**
   * Starts a simulated server, opens the signed-in app, adds the server through the Servers form as a
   * user does (Test connection must report `gpuLabel`), waits until it is online and goes to Runs.
   */
  async openWithServer(opts: SimOptions & { gpuLabel: string }): Promise<FarmWithServer> {
    const sim = await this.sim(opts)
    const app = new AppPage(this.page)
    await app.open()
    const servers = new ServersPage(app)
    await servers.add(opts.name, sim.url, opts.gpuLabel)
    await servers.expectState(opts.name, 'online')
    await app.nav('runs')
    return { app, servers, sim }
  }

  /**
   * How a spec gets a run onto the server it will then take away: a slow RTX 3060 (50 ms a step) and a
   * fast RTX 4090 spare, both added online through the bridge, the spare draining so only the slow one
   * takes the next run. Lands on Runs.
   */
  async openWithSlowAndSpare(names: { slow: string; spare: string }): Promise<SlowAndSpare> {
    const slow = await this.sim({ name: names.slow, gpu: 'NVIDIA GeForce RTX 3060', stepMs: 50 })
    const spare = await this.sim({ name: names.spare, gpu: 'NVIDIA GeForce RTX 4090', stepMs: 5 })
    const app = new AppPage(this.page)
    await app.open()
    await addServerOnline(this.page.request, names.slow, slow.url)
    await addServerOnline(this.page.request, names.spare, spare.url)
    await setDraining(this.page.request, names.spare, true)
    await app.nav('runs')
    return { app, slow, spare, releaseSpare: () => setDraining(this.page.request, names.spare, false) }
  }

  /** Stops every server this test started (stopping a stopped one is harmless). */
  async stopAll(): Promise<void> {
    for (const sim of this.started) await sim.stop()
  }
}

/** Drops ComfyUI's API prompt for the default graph as `<word>.json`, the way most specs start a run. */
export async function dropPrompt(
  app: AppPage,
  word: string,
  prompt: { text: string; seed?: number; steps?: number },
  opts: { shiftKey?: boolean } = {}
): Promise<void> {
  await app.drop([jsonFile(`${word}.json`, apiPrompt(prompt.text, prompt.seed, prompt.steps))], opts)
}
