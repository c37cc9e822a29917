/**
 * Watches a simulated farm during a chaos run: when each prompt finished (to completion) on which server,
 * and when each server crashed. The simulator counts completions per prompt; sampling them every 25 ms
 * gives each completion a time, so a repeat can be judged against the crashes that came before it.
 */
import type { SimServer } from '../../sim'

export interface Completion {
  promptId: string
  server: string
  at: number
}

export class FarmWatch {
  readonly completions: Completion[] = []
  readonly crashes: Array<{ server: string; at: number }> = []
  private readonly seen = new Map<string, number>()
  private readonly timer: NodeJS.Timeout

  constructor(private readonly sims: SimServer[]) {
    this.timer = setInterval(() => this.sample(), 25)
  }

  crashed(server: string): void {
    this.sample()
    this.crashes.push({ server, at: Date.now() })
  }

  sample(): void {
    const now = Date.now()
    for (const sim of this.sims) {
      for (const [promptId, n] of Object.entries(sim.stats().executions)) {
        const key = `${sim.name}\u0000${promptId}`
        const before = this.seen.get(key) ?? 0
        for (let i = before; i < n; i++) this.completions.push({ promptId, server: sim.name, at: now })
        this.seen.set(key, n)
      }
    }
  }

  /**
   * Prompts that finished more than once. A repeat is excused only when the server that held the earlier
   * finished prompt crashed after it finished and before the repeat finished: its history (the only way to
   * find the outputs) was lost, so running it again is the correct recovery, not a duplicate.
   */
  repeats(): { duplicates: Completion[][]; excused: Completion[][] } {
    const byPrompt = new Map<string, Completion[]>()
    for (const c of this.completions) byPrompt.set(c.promptId, [...(byPrompt.get(c.promptId) ?? []), c])
    const duplicates: Completion[][] = []
    const excused: Completion[][] = []
    for (const list of byPrompt.values()) {
      if (list.length < 2) continue
      const lost = list.slice(1).every((c, i) => {
        const prev = list[i]!
        // 25 ms of sampling slack on each side.
        return this.crashes.some((k) => k.server === prev.server && k.at >= prev.at - 25 && k.at <= c.at + 25)
      })
      ;(lost ? excused : duplicates).push(list)
    }
    return { duplicates, excused }
  }

  stop(): void {
    clearInterval(this.timer)
    this.sample()
  }
}
