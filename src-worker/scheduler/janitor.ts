/**
 * Prompts left behind on a server the engine gave up on (it stopped answering, so the run moved on):
 * when that server answers again, delete them from its queue and interrupt them by prompt_id, so
 * nothing of ours lingers there and nothing runs twice. A prompt a lease is tracking again is left alone.
 */
import { deleteAndInterrupt } from '../activities/stop-prompt'
import type { SlotPool } from './slot-pool'
import type { ServerDirectory } from './server-directory'

interface Abandoned {
  serverId: string
  promptId: string
  runId: string
}

export class Janitor {
  private abandoned = new Map<string, Abandoned>()
  /** Prompts the janitor interrupted: a later attempt that finds them interrupted resubmits them. */
  private readonly cleaned = new Set<string>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly directory: ServerDirectory,
    private readonly pool: SlotPool,
    private readonly log: (message: string) => void = () => undefined
  ) {
    directory.on('recovered', (id) => void this.sweep(id))
  }

  remember(serverId: string, promptId: string, runId: string): void {
    this.abandoned.set(`${serverId}/${promptId}`, { serverId, promptId, runId })
  }

  forget(serverId: string, promptId: string): void {
    this.abandoned.delete(`${serverId}/${promptId}`)
  }

  wasCleaned(serverId: string, promptId: string): boolean {
    return this.cleaned.has(`${serverId}/${promptId}`)
  }

  pending(): Abandoned[] {
    return [...this.abandoned.values()]
  }

  start(intervalMs = 2_000): void {
    if (this.timer !== null) return
    this.timer = setInterval(() => {
      for (const server of this.directory.list()) if (!this.directory.isDown(server.id)) void this.sweep(server.id)
    }, intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }

  /** Cleans every abandoned prompt on one server; pairs stay remembered until the server answered. */
  async sweep(serverId: string): Promise<void> {
    const mine = this.pending().filter((a) => a.serverId === serverId)
    if (mine.length === 0 || this.directory.get(serverId) === undefined) return
    const client = this.directory.client(serverId)
    for (const item of mine) {
      if (this.pool.isTracking(serverId, item.runId)) {
        this.forget(serverId, item.promptId)
        continue
      }
      try {
        // Interrupts only if it is the one running: an old server's interrupt is global.
        await deleteAndInterrupt(client, item.promptId)
        this.cleaned.add(`${serverId}/${item.promptId}`)
        this.forget(serverId, item.promptId)
        this.log(`janitor: removed abandoned prompt ${item.promptId} of ${item.runId} from ${serverId}`)
      } catch {
        return
      }
    }
  }
}
