/**
 * The farm's servers as their owning workers report them (remote Temporal: one standalone worker per
 * GPU host). Read-only in every desktop: a server is configured and owned by exactly one worker.
 */

/** What the owning worker knows of a server, reported every few seconds. */
export interface FarmServerReport {
  serverId: string
  name: string
  address: string
  slots: number
  /** Answers probes and the worker has not seen its requests fail. */
  online: boolean
  /** May take new runs (online, and not being removed by its owner). */
  accepting: boolean
  /** Why the owner marked it down, or null. */
  downReason: string | null
  gpu: string | null
  vramFree: number | null
  vramTotal: number | null
  /** Runs of the owner on it now (its ComfyUI queue, as far as ComfyFleet put them there). */
  inUse: number
  runIds: string[]
  /** When the owner sent this report (ms since epoch). */
  at: number
}

export interface FarmServer {
  /** The owning worker: its host and data dir. */
  owner: string
  claimedAt: number
  report: FarmServerReport | null
}
