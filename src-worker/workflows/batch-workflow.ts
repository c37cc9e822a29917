/**
 * A batch: one child run workflow per seed / value / prompt, at most `window` open at once (the scheduler
 * spreads them over the farm). Children are started ABANDON and report back with a signal, so the batch
 * can continue-as-new with children still running and a 10,000-run batch stays within history limits.
 */
import {
  CancellationScope,
  CancelledFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow'
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common'
import {
  childWorkflowId,
  type BatchCarry,
  DEFAULT_BATCH_WINDOW,
  type ComfyBatchWorkflow,
  type BatchStatus,
  type BatchWorkflowInput,
  type RunWorkflowInput,
} from '../../src-shared/temporal/contract'
import { batchStatusQuery, cancelSignal, childDoneSignal } from '../../src-shared/temporal/messages'
import { promptAt, sweepSize } from '../../src-shared/runs/batch-sweep'
import { comfyRunWorkflow } from './run-workflow'
import { endAsCancelled } from './self-cancel'

/**
 * Continue-as-new after this many events. A worker that restarts replays the whole history in one workflow task,
 * which must finish within Temporal's 10 s task timeout or it is retried forever: 3,768 events took 3.5 s to
 * replay on an idle 2-core machine, so 6,000 (the first budget, kept for batches started under it) could stall
 * a batch on a loaded one.
 */
const HISTORY_BUDGET = 1_500
const FIRST_HISTORY_BUDGET = 6_000
/** After a cancel, how long to wait for children to report that they stopped. */
const CANCEL_DRAIN_MS = 60_000

export const comfyBatchWorkflow: ComfyBatchWorkflow = async function comfyBatchWorkflow(
  input: BatchWorkflowInput
): Promise<BatchStatus> {
  const total = sweepSize(input.sweep)
  const window = Math.max(1, input.window ?? DEFAULT_BATCH_WINDOW)
  const carry: BatchCarry = input.carry ?? {
    nextIndex: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
    open: [],
    cancelRequested: false,
  }
  const open = new Set(carry.open)
  let signalCancel = false
  let cancellation: Error | null = null

  const snapshot = (): BatchStatus => status(input.batchId, total, carry, open.size)
  setHandler(batchStatusQuery, snapshot)
  setHandler(childDoneSignal, ({ index, status: outcome }) => {
    if (!open.delete(index)) return
    carry[outcome] += 1
  })
  setHandler(cancelSignal, () => {
    signalCancel = true
    carry.cancelRequested = true
  })

  try {
    while (!carry.cancelRequested) {
      // Start the free part of the window at once (each start is a round trip to the server).
      const starts: Promise<void>[] = []
      while (!carry.cancelRequested && open.size < window && carry.nextIndex < total) {
        starts.push(startRun(input, carry.nextIndex, open))
        carry.nextIndex += 1
      }
      await Promise.all(starts)
      if (carry.nextIndex >= total && open.size === 0) break
      if (
        workflowInfo().historyLength > (input.historyBudget ?? historyBudget()) ||
        workflowInfo().continueAsNewSuggested
      ) {
        return await continueAsNew<typeof comfyBatchWorkflow>({ ...input, carry: { ...carry, open: [...open] } })
      }
      const before = open.size
      // Fast runs on a loaded worker can all report back before the last start of the window resolves,
      // leaving none open here: waiting for fewer than none hung the batch for good (seen in the 1,000-run
      // memory bench, running 0, pending 827). Start more instead. Behind a patch so that histories
      // recorded before this replay as they ran.
      if (before === 0 && patched('batch-refill-empty-window')) continue
      await condition(() => carry.cancelRequested || open.size < before)
    }
  } catch (error) {
    if (!isCancellation(error)) throw error
    carry.cancelRequested = true
    cancellation = error instanceof Error ? error : new CancelledFailure('batch cancelled')
  }

  if (!carry.cancelRequested) return snapshot()
  await CancellationScope.nonCancellable(() => cancelOpenRuns(input.batchId, open, carry, total))
  if (signalCancel && cancellation === null) await endAsCancelled()
  throw cancellation ?? new CancelledFailure('batch cancelled')
}

/** Replays of batches started before the smaller budget keep the decisions they made under the first one. */
function historyBudget(): number {
  return patched('batch-history-budget-1500') ? HISTORY_BUDGET : FIRST_HISTORY_BUDGET
}

async function startRun(input: BatchWorkflowInput, index: number, open: Set<number>): Promise<void> {
  const workflowId = childWorkflowId(input.batchId, index)
  const args: RunWorkflowInput = {
    runId: workflowId,
    prompt: promptAt(input.prompt, input.sweep, index, input.batchId),
    options: input.options,
    extraPnginfo: input.extraPnginfo,
    name: input.name === undefined ? undefined : `${input.name} #${index + 1}`,
    batchId: input.batchId,
    batchIndex: index,
  }
  // Open before starting: a fast child can report back in the same activation that says it started.
  open.add(index)
  try {
    await startChild(comfyRunWorkflow, {
      workflowId,
      args: [args],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      memo: { kind: 'run', batchId: input.batchId, name: args.name ?? workflowId },
    })
  } catch (error) {
    // Already started by an earlier run of this batch (before continue-as-new): it will still report back.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
      open.delete(index)
      throw error
    }
  }
}

/** Cancels every open child, counts never-started runs as cancelled, and waits for the children to report. */
async function cancelOpenRuns(batchId: string, open: Set<number>, carry: BatchCarry, total: number): Promise<void> {
  carry.cancelled += total - carry.nextIndex
  carry.nextIndex = total
  await Promise.all(
    [...open].map(async (index) => {
      try {
        await getExternalWorkflowHandle(childWorkflowId(batchId, index)).cancel()
      } catch {
        // Already closed: its report is on the way or was counted.
      }
    })
  )
  await condition(() => open.size === 0, CANCEL_DRAIN_MS)
  carry.cancelled += open.size
  open.clear()
}

function status(batchId: string, total: number, carry: BatchCarry, running: number): BatchStatus {
  const done = carry.completed + carry.failed + carry.cancelled
  const finished = done >= total && running === 0
  let state: BatchStatus['status'] = 'running'
  if (carry.cancelRequested && finished) state = 'cancelled'
  else if (finished) state = carry.completed === 0 && carry.failed > 0 ? 'failed' : 'completed'
  else if (running === 0 && done === 0) state = 'pending'
  return {
    batch_id: batchId,
    status: state,
    total,
    completed: carry.completed,
    failed: carry.failed,
    cancelled: carry.cancelled,
    running,
    pending: Math.max(0, total - carry.nextIndex),
    progress: total === 0 ? 1 : done / total,
  }
}
