import { CancellationScope, condition, getExternalWorkflowHandle, workflowInfo } from '@temporalio/workflow'

/**
 * Ends a workflow that was stopped by the public `cancel` signal as Canceled in Temporal (not Failed or
 * Completed): it asks the server to cancel itself, which marks the workflow cancelled, and then waits for
 * that cancellation, which throws the CancelledFailure the caller lets escape.
 */
export async function endAsCancelled(): Promise<never> {
  await CancellationScope.nonCancellable(() => getExternalWorkflowHandle(workflowInfo().workflowId).cancel())
  await condition(() => false)
  throw new Error('unreachable: condition(() => false) only ends by cancellation')
}
