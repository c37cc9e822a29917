import type { ServerInput, ServerPatch, ServerRemoval, ServerTestResult } from '../../src-shared/contract/bridge'
import type { Result } from '../../src-shared/contract/result'
import type { ServerView } from '../../src-shared/contract/servers'
import type { SlotUsage, WorkerServer } from '../../src-shared/contract/worker-protocol'
import type { FleetLookup } from '../runs/fleet-lookup'

/** The fleet as the rest of the core uses it: the registry, its health, and what the worker needs. */
export interface FleetService extends FleetLookup {
  add(input: ServerInput): Promise<Result<ServerView>>
  update(id: string, patch: ServerPatch): Promise<Result<ServerView>>
  remove(id: string): Promise<Result<ServerRemoval>>
  test(address: string): Promise<Result<ServerTestResult>>
  /** The servers as the worker schedules on them (accepting = enabled, not draining, online). */
  workerServers(): WorkerServer[]
  /** Slots in use per server, as the worker reports them (shown on the server cards). */
  setSlotUsage(usage: SlotUsage[]): void
  /**
   * The worker saw this server fail or answer again: check it now rather than at its next scheduled
   * probe. The health monitor stays the one place that decides; its verdict reaches the UI and the worker.
   */
  recheck(id: string): void
  onChange(listener: (servers: ServerView[]) => void): () => void
  start(): void
  stop(): Promise<void>
}
