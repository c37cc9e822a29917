import { CancellationScope, condition, proxyLocalActivities, workflowInfo } from '@temporalio/workflow'
import type { EngineActivities } from '../../src-shared/temporal/contract'

const { requestCancel } = proxyLocalActivities<EngineActivities>({ startToCloseTimeout: '30 seconds' })

/**
 * Ends a workflow that was stopped by the public `cancel` signal as Canceled in Temporal (not Failed).
 * The server refuses a workflow's command to cancel itself, so a local activity asks it through the
 * client; the workflow then waits for that cancellation, which throws the CancelledFailure that closes it.
 */
export async function endAsCancelled(): Promise<never> {
  await CancellationScope.nonCancellable(() => requestCancel(workflowInfo().workflowId))
  await condition(() => false)
  throw new Error('unreachable: condition(() => false) only ends by cancellation')
}
