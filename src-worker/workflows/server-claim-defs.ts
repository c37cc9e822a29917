/**
 * One owner per ComfyUI server, farm-wide. Each worker claims each server it is configured with by
 * starting a `comfyServerClaimWorkflow` whose id is derived from the server's address, so Temporal
 * itself refuses a second claim while the first is alive. The owner reports the server's health
 * every few seconds (the same workflow is how every desktop sees the farm's servers); a claim whose
 * owner stops reporting ends, and the server can be claimed again.
 * PUBLIC names: `get_server` query.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow'
import type { FarmServerReport } from '../../src-shared/contract/farm'

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

export const reportSignal = defineSignal<[owner: string, report: ServerReport]>('comfyfleet_server_report')
export const releaseSignal = defineSignal<[owner: string]>('comfyfleet_server_release')
export const getServerQuery = defineQuery<ServerClaimState>('get_server')

/** The one spelling of a server address: scheme and host lower-case, no trailing slash. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim().replace(/\/+$/, '')
  const match = /^(https?:\/\/)([^/]+)(.*)$/i.exec(trimmed)
  return match === null ? trimmed : `${match[1]!.toLowerCase()}${match[2]!.toLowerCase()}${match[3] ?? ''}`
}

/** Workflow id of a server's claim: readable, and one per address (the uniqueness Temporal enforces). */
export function claimWorkflowId(address: string): string {
  return `server-${normalizeAddress(address)
    .replace(/^https?:\/\//, '')
    .replace(/[^A-Za-z0-9.:_-]/g, '_')}`
}
