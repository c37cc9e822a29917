/** A simulated farm in a child process, read and driven through its /__sim/ control endpoints. */
import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import type { SimFarmOptions, SimStats } from '../../sim'

export class RemoteFarm {
  private constructor(
    private readonly child: ChildProcess,
    readonly urls: string[],
    readonly names: string[]
  ) {}

  static async start(
    opts: SimFarmOptions & { speeds: number[]; timing: { stepMs: number; nodeMs: number; loadMs: number } }
  ): Promise<RemoteFarm> {
    const child = fork(join(__dirname, 'farm-child.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' })
    const reply = await new Promise<{ urls: string[]; names: string[] }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { urls: string[]; names: string[] }))
      child.once('exit', (code) => reject(new Error(`simulator farm exited with code ${code}`)))
      child.send(opts)
    })
    return new RemoteFarm(child, reply.urls, reply.names)
  }

  servers(): Array<{ name: string; url: string }> {
    return this.urls.map((url, i) => ({ url, name: this.names[i]! }))
  }

  /** Stats of every server; `known` stands in for a server that no longer answers (crashed on purpose). */
  async stats(known: ReadonlyMap<number, SimStats> = new Map()): Promise<SimStats[]> {
    return await Promise.all(
      this.urls.map(async (u, i) => {
        const stand = known.get(i)
        if (stand !== undefined) return stand
        const res = await fetch(`${u}/__sim/stats`)
        return (await res.json()) as SimStats
      })
    )
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return
    const exited = new Promise((r) => this.child.once('exit', r))
    this.child.kill('SIGTERM')
    await exited
  }
}
