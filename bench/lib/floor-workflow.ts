/**
 * The Temporal floor of the overhead bench: the least a Temporal-based runner can do per run, one
 * workflow that calls one activity. Bundled by bench/lib/temporal-floor.ts; never part of the app.
 */
import { proxyActivities } from '@temporalio/workflow'
import type { FloorActivities } from './temporal-floor'

const { runDirect } = proxyActivities<FloorActivities>({ startToCloseTimeout: '1 minute' })

export async function floorWorkflow(prompt: Record<string, unknown>): Promise<number> {
  return await runDirect(prompt)
}
