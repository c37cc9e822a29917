/**
 * Every signal and query of the engine's workflows, defined once: clients signal and query by these
 * objects, so argument and answer types come with the name. The names are wire names, kept by recorded
 * histories; get_status, get_events, cancel and get_server are PUBLIC (SDK, CLI, Python scripts).
 */
import { defineQuery, defineSignal } from '@temporalio/workflow'
import type { RunEvent, RunStatus } from '../contract/runs'
import type { BatchStatus, ChildDone, ProgressUpdate } from './contract'
import type { ServerClaimState, ServerReport } from './server-claim'

/* ---------- runs ---------- */
export const getStatusQuery = defineQuery<RunStatus>('get_status')
export const getEventsQuery = defineQuery<RunEvent[]>('get_events')
export const cancelSignal = defineSignal<[reason?: string]>('cancel')
/** Internal: the execute activity's progress snapshots to its workflow. */
export const progressSignal = defineSignal<[ProgressUpdate]>('comfyfleet_progress')

/* ---------- batches ---------- */
/** Same public name as a run's: a client asks any workflow for `get_status`. */
export const batchStatusQuery = defineQuery<BatchStatus>('get_status')
export const childDoneSignal = defineSignal<[ChildDone]>('comfyfleet_child_done')

/* ---------- server claims ---------- */
export const reportSignal = defineSignal<[owner: string, report: ServerReport]>('comfyfleet_server_report')
export const releaseSignal = defineSignal<[owner: string]>('comfyfleet_server_release')
export const getServerQuery = defineQuery<ServerClaimState>('get_server')
