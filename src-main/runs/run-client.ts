/**
 * The main process's handle on the run engine: start runs and batches, read their public state
 * (`get_status`, `get_events` queries), cancel them, await results. A thin layer over a
 * `@temporalio/client` Client, so the SDK and CLI can use the same calls.
 */
import { randomBytes } from 'node:crypto'
import { WorkflowNotFoundError, type Client } from '@temporalio/client'
import type { ApiPrompt, RunEvent, RunOptions, RunStatus } from '../../src-shared/contract/runs'
import type { BlobStore } from '../../src-shared/storage/blob-store'
import { externalizeExtra, externalizePrompt, resolveOutputs } from '../../src-shared/storage/payload-refs'
import {
  BATCH_WORKFLOW,
  RUN_WORKFLOW,
  type BatchStatus,
  type BatchSweep,
  type BatchWorkflowInput,
  type ComfyBatchWorkflow,
  type ComfyRunWorkflow,
  type RunResult,
  type RunWorkflowInput,
} from '../../src-shared/temporal/contract'
import { batchStatusQuery, cancelSignal, getEventsQuery, getStatusQuery } from '../../src-shared/temporal/messages'
import { checkRunInputSize, childInputBytes, windowFor } from './run-input-size'

export interface StartRunInput {
  prompt: ApiPrompt
  options?: RunOptions
  extraPnginfo?: Record<string, unknown>
  name?: string
  /** Defaults to `run-<short id>`. */
  runId?: string
}

export interface StartBatchInput {
  prompt: ApiPrompt
  sweep: BatchSweep
  options?: RunOptions
  extraPnginfo?: Record<string, unknown>
  name?: string
  window?: number
  historyBudget?: number
  /** Defaults to `batch-<short id>`. */
  batchId?: string
}

/** A short, URL-safe random id (12 hex chars: ~2.8e14 values). */
export function shortId(): string {
  return randomBytes(6).toString('hex')
}

export class RunClient {
  constructor(
    readonly client: Client,
    readonly taskQueue: string,
    /** Where large prompt values and UI workflows go by content hash (`<dataDir>/payloads`). */
    readonly payloads: BlobStore
  ) {}

  /** Starts one run; the workflow id is the run id. */
  async startRun(input: StartRunInput): Promise<{ runId: string; workflowId: string }> {
    const runId = input.runId ?? `run-${shortId()}`
    const args: RunWorkflowInput = {
      runId,
      prompt: externalizePrompt(input.prompt, this.payloads),
      options: input.options,
      extraPnginfo: externalizeExtra(input.extraPnginfo, this.payloads),
      name: input.name,
      batchId: null,
    }
    checkRunInputSize('The workflow', args)
    await this.client.workflow.start<ComfyRunWorkflow>(RUN_WORKFLOW, {
      taskQueue: this.taskQueue,
      workflowId: runId,
      args: [args],
      // `server: null` until the run is placed; it also tells the workflow it may set it with the result.
      memo: { kind: 'run', name: input.name ?? runId, server: null },
      priority: input.options?.priority === undefined ? undefined : { priorityKey: input.options.priority },
    })
    return { runId, workflowId: runId }
  }

  /** Starts a batch (seed range, value list, prompt list or count) of child runs. */
  async startBatch(input: StartBatchInput): Promise<{ batchId: string; workflowId: string }> {
    const batchId = input.batchId ?? `batch-${shortId()}`
    const prompt = externalizePrompt(input.prompt, this.payloads)
    const sweep: BatchSweep =
      input.sweep.kind === 'prompts'
        ? { kind: 'prompts', prompts: input.sweep.prompts.map((p) => externalizePrompt(p, this.payloads)) }
        : input.sweep
    const extraPnginfo = externalizeExtra(input.extraPnginfo, this.payloads)
    const args: BatchWorkflowInput = {
      batchId,
      name: input.name,
      prompt,
      sweep,
      options: input.options,
      extraPnginfo,
      window: windowFor(childInputBytes(prompt, sweep, extraPnginfo), input.window),
      historyBudget: input.historyBudget,
    }
    checkRunInputSize('The batch', args)
    await this.client.workflow.start<ComfyBatchWorkflow>(BATCH_WORKFLOW, {
      taskQueue: this.taskQueue,
      workflowId: batchId,
      args: [args],
      memo: { kind: 'batch', name: input.name ?? batchId },
    })
    return { batchId, workflowId: batchId }
  }

  async getStatus(workflowId: string): Promise<RunStatus> {
    return await this.client.workflow.getHandle(workflowId).query(getStatusQuery)
  }

  async getBatchStatus(batchId: string): Promise<BatchStatus> {
    return await this.client.workflow.getHandle(batchId).query(batchStatusQuery)
  }

  async getEvents(workflowId: string): Promise<RunEvent[]> {
    return await this.client.workflow.getHandle(workflowId).query(getEventsQuery)
  }

  /**
   * Cancels a run or batch through Temporal's own cancellation (the workflow ends Canceled; the
   * activity deletes/interrupts the prompt on ComfyUI). Already closed: a no-op.
   */
  async cancel(workflowId: string): Promise<void> {
    try {
      await this.client.workflow.getHandle(workflowId).cancel()
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error
    }
  }

  /** The public signal other clients use; same effect as `cancel`. */
  async signalCancel(workflowId: string, reason?: string): Promise<void> {
    await this.client.workflow.getHandle(workflowId).signal(cancelSignal, reason)
  }

  /** Waits for a run's result; rejects with WorkflowFailedError when it failed or was cancelled. */
  async result(workflowId: string): Promise<RunResult> {
    const r = await this.client.workflow.getHandle<ComfyRunWorkflow>(workflowId).result()
    return r.outputsRef === undefined ? r : { ...r, outputs: this.fullOutputs(r.outputsRef, r.outputs) }
  }

  /**
   * A result with thousands of outputs carries a reference to the list; a remote worker's list is not
   * in this data dir (multi-host output transfer is another piece): then the inline preview is all we have.
   */
  private fullOutputs(hash: string, preview: RunResult['outputs']): RunResult['outputs'] {
    try {
      return resolveOutputs(hash, this.payloads)
    } catch {
      return preview
    }
  }

  async batchResult(batchId: string): Promise<BatchStatus> {
    return await this.client.workflow.getHandle<ComfyBatchWorkflow>(batchId).result()
  }
}
