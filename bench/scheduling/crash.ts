/** Kills a GPU of the farm for the churn scenario, keeping what it ran until then for the figures. */
import type { SimStats } from '../../sim'
import type { SystemRun } from './system-run'

export async function crashServer(result: SystemRun, index: number, url: string): Promise<void> {
  const stats = (await (await fetch(`${url}/__sim/stats`)).json()) as SimStats
  result.lastStats.set(index, stats)
  result.events.push({ kind: 'died', server: index, at: Date.now() })
  await fetch(`${url}/__sim/crash`, { method: 'POST' })
}
