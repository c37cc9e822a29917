/**
 * One owner per ComfyUI server, farm-wide. Each worker claims each server it is configured with by
 * starting a `comfyServerClaimWorkflow` whose id is derived from the server's address, so Temporal
 * itself refuses a second claim while the first is alive. The owner reports the server's health
 * every few seconds (the same workflow is how every desktop sees the farm's servers); a claim whose
 * owner stops reporting ends, and the server can be claimed again.
 * PUBLIC names: the `get_server` query (./messages.ts). No runtime imports: the workflow sandbox imports this.
 */
import type { FarmServerReport } from '../contract/farm'

/** Workflow type name (never changes: claims in flight and recorded histories name it). */
export const SERVER_CLAIM_WORKFLOW = 'comfyServerClaimWorkflow'
/** The owner reports this often; a claim with no report for CLAIM_TTL_MS ends. */
export const CLAIM_REPORT_MS = 5_000
export const CLAIM_TTL_MS = 20_000

/** What the owning worker knows of a server, as every desktop shows it (read-only). */
export type ServerReport = FarmServerReport

export interface ServerClaimInput {
  /** Stable identity of the owning worker (host + data dir), so a restarted worker keeps its claims. */
  owner: string
  address: string
  report: ServerReport | null
  claimedAt: number
}

export interface ServerClaimState {
  owner: string
  address: string
  claimedAt: number
  report: ServerReport | null
}

/** The claim workflow's type: the claimer starts it by this, the implementation is annotated with it. */
export type ComfyServerClaimWorkflow = (input: ServerClaimInput) => Promise<void>

/**
 * Workflow id of a server's claim: readable, and one per address (the uniqueness Temporal enforces).
 * `address` is in its one spelling (src-shared/comfy/address.ts `normaliseAddress`): every worker's
 * servers are, the fleet's as registered and a standalone worker's as its config is loaded. Not
 * normalised here, because the workflow sandbox imports this file and must import nothing at runtime.
 */
export function claimWorkflowId(address: string): string {
  return `server-${address.replace(/^https?:\/\//, '').replace(/[^A-Za-z0-9.:_-]/g, '_')}`
}
