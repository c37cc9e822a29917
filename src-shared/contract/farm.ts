/**
 * The farm's servers as their owning workers report them (remote Temporal: one standalone worker per
 * GPU host). Read-only in every desktop: a server is configured and owned by exactly one worker.
 * Schemas, because `GET /farm/servers` answers with them (see runs.ts for why answers are plain objects).
 */
import { z } from 'zod'

/** What the owning worker knows of a server, reported every few seconds. */
export const FarmServerReportSchema = z.object({
  serverId: z.string(),
  name: z.string(),
  address: z.string(),
  slots: z.number(),
  /** Answers probes and the worker has not seen its requests fail. */
  online: z.boolean(),
  /** May take new runs (online, and not being removed by its owner). */
  accepting: z.boolean(),
  /** Why the owner marked it down, or null. */
  downReason: z.string().nullable(),
  gpu: z.string().nullable(),
  vramFree: z.number().nullable(),
  vramTotal: z.number().nullable(),
  /** Runs of the owner on it now (its ComfyUI queue, as far as ComfyFleet put them there). */
  inUse: z.number(),
  runIds: z.array(z.string()),
  /** When the owner sent this report (ms since epoch). */
  at: z.number(),
})

export const FarmServerSchema = z.object({
  /** The owning worker: its host and data dir. */
  owner: z.string(),
  claimedAt: z.number(),
  report: FarmServerReportSchema.nullable(),
})

export type FarmServerReport = z.infer<typeof FarmServerReportSchema>
export type FarmServer = z.infer<typeof FarmServerSchema>
