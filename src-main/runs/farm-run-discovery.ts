/**
 * Runs this desktop did not start (another desktop, a script, the SDK on another machine) are still
 * runs of the farm: with remote Temporal they are found by listing the namespace's run workflows, and
 * recorded from their start input (prompt, name) so History has them with their images like any other.
 */
import { defaultPayloadConverter } from '@temporalio/common'
import type { ApiPrompt } from '../../src-shared/contract/runs'
import type { RunWorkflowInput } from '../../src-worker/shared'
import { RUN_WORKFLOW, type RunClient } from './run-client'

/** How often the namespace is listed for new runs, and how far back a fresh start looks. */
export const FARM_DISCOVERY_MS = 5_000
const LOOK_BACK_MS = 10 * 60_000
/** Listing overlaps the last one by this much: visibility lags behind a workflow's start. */
const OVERLAP_MS = 10_000

export interface FarmRun {
  id: string
  name: string
  prompt: ApiPrompt
  workflow: unknown
}

export class FarmRunDiscovery {
  private since = Date.now() - LOOK_BACK_MS
  private lastAt = 0

  /** True when a look is due (callers skip the Temporal calls otherwise). */
  due(now = Date.now()): boolean {
    return now - this.lastAt >= FARM_DISCOVERY_MS
  }

  /** Run ids started since the last look that `known` does not know, with their start input. */
  async discover(client: RunClient, known: (runId: string) => boolean): Promise<FarmRun[]> {
    const now = Date.now()
    this.lastAt = now
    // Only this farm's task queue: another app may share the namespace with its own farm.
    const start = new Date(this.since - OVERLAP_MS).toISOString()
    const query = `WorkflowType = '${RUN_WORKFLOW}' AND TaskQueue = '${client.taskQueue}' AND StartTime > '${start}'`
    const ids: string[] = []
    for await (const info of client.client.workflow.list({ query }))
      if (!known(info.workflowId)) ids.push(info.workflowId)
    this.since = now
    const runs: FarmRun[] = []
    for (const id of ids) {
      const run = await startInput(client, id).catch(() => null)
      if (run !== null) runs.push(run)
    }
    return runs
  }
}

/** The run's start input, from the first event of its history; null when it is not a run we can show. */
async function startInput(client: RunClient, workflowId: string): Promise<FarmRun | null> {
  const history = await client.client.workflow.getHandle(workflowId).fetchHistory()
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]
  if (payload === undefined) return null
  const input = defaultPayloadConverter.fromPayload<RunWorkflowInput>(payload)
  if (typeof input?.prompt !== 'object' || input.prompt === null) return null
  return {
    id: workflowId,
    name: input.name ?? workflowId,
    prompt: input.prompt,
    workflow: input.extraPnginfo?.workflow ?? null,
  }
}
