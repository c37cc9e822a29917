/**
 * One ComfyUI run, durably. The prompt_id is made here (deterministic uuid4) and handed to the execute
 * activity, which places it on the best free capable server, reattaches after crashes and fails over;
 * this workflow owns the public state (`get_status`, `get_events`) and the `cancel` signal.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  upsertMemo,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow'
import type { RunErrorInfo, RunEvent } from '../../src-shared/contract/runs'
import {
  DEFAULT_RETRY,
  FAILURE,
  HEARTBEAT_TIMEOUT_MS,
  type ComfyRunWorkflow,
  type EngineActivities,
  type ExecuteInput,
  type ExecuteResult,
  type OomDetails,
  type RunResult,
  type RunWorkflowInput,
  urgentTaskQueue,
} from '../../src-shared/temporal/contract'
import {
  cancelSignal,
  childDoneSignal,
  getEventsQuery,
  getStatusQuery,
  progressSignal,
} from '../../src-shared/temporal/messages'
import { DEFAULT_PRIORITY } from '../scheduler/run-order'
import { appendEvents, applyProgress, completeNodes, initialStatus } from './run-state'
import { endAsCancelled } from './self-cancel'

/** Patch id: the server memo may be set in the completing workflow task (histories before it never do). */
const SERVER_MEMO_AT_END = 'server-memo-at-end'
/** Urgent runs' execute activity on the urgent task queue (histories before it used the main queue). */
const URGENT_TASK_QUEUE = 'urgent-task-queue'

/**
 * Whether the run was started with `server: null` in its memo (see run-client.ts). Such a run's history
 * cannot predate the memo set with the result, so it needs no patch marker to tell: the marker and the
 * search attribute Temporal upserts with it were two more events in every short run's final task.
 */
function startedWithServerMemo(): boolean {
  const memo = workflowInfo().memo
  return memo !== undefined && 'server' in memo && memo.server === null
}

export const comfyRunWorkflow: ComfyRunWorkflow = async function comfyRunWorkflow(
  input: RunWorkflowInput
): Promise<RunResult> {
  const status = initialStatus(input.runId, input.prompt)
  const events: RunEvent[] = []
  const seen = { attempt: 0, seq: -1 }
  let signalCancel: string | null = null
  let memoServer: string | null = null
  const work = new CancellationScope()
  const notifyParent = parentNotifier(input)

  setHandler(getStatusQuery, () => status)
  setHandler(getEventsQuery, () => events)
  setHandler(cancelSignal, (reason) => {
    signalCancel = reason ?? 'cancelled by the cancel signal'
    work.cancel()
  })
  setHandler(progressSignal, (update) => {
    const newer = update.attempt > seen.attempt || (update.attempt === seen.attempt && update.seq > seen.seq)
    if (!newer) return
    seen.attempt = update.attempt
    seen.seq = update.seq
    applyProgress(status, update, Date.now())
    appendEvents(events, update.events)
    if (update.server !== null && update.server.name !== memoServer) {
      memoServer = update.server.name
      upsertMemo({ server: memoServer })
    }
  })

  try {
    const { events: lastEvents, ...result } = await work.run(() => execute(input))
    appendEvents(events, lastEvents)
    status.status = 'completed'
    status.outputs = result.outputs
    status.finished_at = result.finishedAt
    status.progress = 1
    status.current_node = null
    status.node_progress = null
    if (status.started_at === null) status.started_at = result.startedAt
    completeNodes(status)
    // A run shorter than the first progress signal never set its server memo; set it with the result.
    // Histories of runs started before that memo key was left open still decide by their patch marker.
    if (memoServer !== result.serverName && (startedWithServerMemo() || patched(SERVER_MEMO_AT_END)))
      upsertMemo({ server: result.serverName })
    if (notifyParent !== null) await notifyParent('completed')
    return { runId: input.runId, ...result, nodes: status.nodes, events }
  } catch (error) {
    status.finished_at = Date.now()
    status.current_node = null
    if (isCancellation(error)) {
      status.status = 'cancelled'
      status.error = { kind: 'cancelled', message: signalCancel ?? 'cancelled' }
      if (notifyParent !== null) await notifyParent('cancelled')
      if (signalCancel !== null) await endAsCancelled()
      throw error
    }
    status.status = 'failed'
    status.error = errorInfo(error)
    if (notifyParent !== null) await notifyParent('failed')
    throw ApplicationFailure.create({
      message: status.error.message,
      type: failureType(error),
      nonRetryable: true,
      details: [status.error],
    })
  }
}

/** Calls the execute activity; an out-of-memory failure is retried once on a server with more free VRAM. */
async function execute(input: RunWorkflowInput): Promise<ExecuteResult> {
  const retry = { ...DEFAULT_RETRY, ...input.options?.retry }
  const urgent = (input.options?.priority ?? DEFAULT_PRIORITY) < DEFAULT_PRIORITY && patched(URGENT_TASK_QUEUE)
  const { executePrompt } = proxyActivities<EngineActivities>({
    ...(urgent ? { taskQueue: urgentTaskQueue(workflowInfo().taskQueue) } : {}),
    startToCloseTimeout: '24 hours',
    heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    priority: input.options?.priority === undefined ? undefined : { priorityKey: input.options.priority },
    retry: {
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient,
      maximumInterval: retry.maximumIntervalMs,
      maximumAttempts: retry.maximumAttempts,
      nonRetryableErrorTypes: [FAILURE.validation, FAILURE.execution, FAILURE.oomRetry, FAILURE.interrupted],
    },
  })
  const base: ExecuteInput = {
    runId: input.runId,
    promptId: uuid4(),
    prompt: input.prompt,
    extraPnginfo: input.extraPnginfo,
    servers: input.options?.servers,
  }
  try {
    return await executePrompt(base)
  } catch (error) {
    const oom = oomDetails(error)
    if (oom === null) throw error
    // A fresh prompt_id: the first one has an error entry in that server's history.
    return await executePrompt({
      ...base,
      promptId: uuid4(),
      excludeServers: [oom.serverId],
      minVramFree: oom.vramFree,
    })
  }
}

function oomDetails(error: unknown): OomDetails | null {
  if (!(error instanceof ActivityFailure) || !(error.cause instanceof ApplicationFailure)) return null
  if (error.cause.type !== FAILURE.oomRetry) return null
  return (error.cause.details?.[1] as OomDetails | undefined) ?? null
}

function errorInfo(error: unknown): RunErrorInfo {
  const cause = error instanceof ActivityFailure ? error.cause : error
  if (cause instanceof ApplicationFailure) {
    const info = cause.details?.[0] as RunErrorInfo | undefined
    if (info !== undefined && typeof info.kind === 'string') return info
    return { kind: 'internal', message: cause.message }
  }
  if (cause instanceof Error) return { kind: 'unavailable', message: cause.message }
  return { kind: 'internal', message: String(cause) }
}

function failureType(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error
  if (cause instanceof ApplicationFailure && cause.type !== undefined && cause.type !== null) return cause.type
  return FAILURE.unavailable
}

/**
 * A child of a batch reports how it ended, so the batch can continue-as-new without awaiting handles. Null
 * for a run of its own: it is then not called at all, since every promise a workflow makes costs the SDK's
 * stack-trace hook in the sandbox (a measurable part of a short run's workflow CPU).
 */
function parentNotifier(
  input: RunWorkflowInput
): ((outcome: 'completed' | 'failed' | 'cancelled') => Promise<void>) | null {
  const parent = workflowInfo().parent
  if (parent === undefined || input.batchIndex === undefined) return null
  const index = input.batchIndex
  return async (outcome) => {
    await CancellationScope.nonCancellable(async () => {
      try {
        await getExternalWorkflowHandle(parent.workflowId).signal(childDoneSignal, { index, status: outcome })
      } catch {
        // The batch is gone (cancelled or terminated): nobody is waiting for this report.
      }
    })
  }
}
