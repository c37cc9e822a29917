/** Completion times of runs as ComfyFleet reports them (the core's run-finished events, in this process). */
import type { RunSummary } from '../../sdk'
import type { AppCore } from '../../src-main/core/app-core'

export class FinishedRuns {
  readonly at = new Map<string, { status: RunSummary['status']; at: number; summary: RunSummary }>()
  private waiters: Array<() => void> = []
  private readonly off: () => void

  constructor(core: AppCore) {
    this.off = core.onRunFinished((s) => {
      if (this.at.has(s.id)) return
      this.at.set(s.id, { status: s.status, at: performance.now(), summary: s })
      for (const w of this.waiters) w()
    })
  }

  /** Resolves when every id has finished; rejects after timeoutMs naming how many are missing. */
  async all(ids: string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (ids.some((id) => !this.at.has(id))) {
      const left = deadline - Date.now()
      const missing = ids.filter((id) => !this.at.has(id)).length
      if (left <= 0) throw new Error(`${missing} of ${ids.length} runs did not finish within ${timeoutMs / 1000} s`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1000))
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
      this.waiters = []
    }
  }

  close(): void {
    this.off()
  }
}
