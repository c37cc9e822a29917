/** Actions fired once when a given fraction of a batch has finished (a GPU dies at 30 %, one joins at 60 %). */
export class Milestones {
  private finished = 0
  private readonly pending: Array<{ at: number; action: () => void }> = []

  constructor(private readonly total: number) {}

  at(fraction: number, action: () => void): void {
    this.pending.push({ at: Math.ceil(fraction * this.total), action })
    this.check()
  }

  done(): void {
    this.finished++
    this.check()
  }

  private check(): void {
    for (const m of [...this.pending]) {
      if (this.finished < m.at) continue
      this.pending.splice(this.pending.indexOf(m), 1)
      m.action()
    }
  }
}
