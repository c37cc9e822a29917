/**
 * Turns ComfyUI's answers into Temporal failures that say what went wrong. Validation and execution
 * errors are non-retryable (the same prompt fails the same way); an unreachable server is retryable,
 * and the retry places the run elsewhere.
 */
import { ApplicationFailure } from '@temporalio/common'
import type { RunErrorInfo } from '../../src-shared/contract/runs'
import type { CapabilityProblem } from '../../src-shared/comfy/capabilities'
import type { ExecutionErrorData, PromptErrorBody } from '../../src-shared/comfy/types'
import { FAILURE, type OomDetails } from '../shared'

/** A 400 from POST /prompt: per-node details (node id, class_type, messages). */
export function validationFailure(body: PromptErrorBody, serverName: string): ApplicationFailure {
  const nodeErrors: NonNullable<RunErrorInfo['nodeErrors']> = {}
  for (const [nodeId, entry] of Object.entries(body.node_errors ?? {})) {
    nodeErrors[nodeId] = {
      classType: entry.class_type,
      messages: entry.errors.map((e) => (e.details ? `${e.message}: ${e.details}` : e.message)),
    }
  }
  const top = typeof body.error === 'string' ? { message: body.error, details: '' } : body.error
  const nodeIds = Object.keys(nodeErrors)
  const first = nodeIds[0]
  const perNode = nodeIds.map(
    (id) => `node ${id} (${nodeErrors[id]?.classType}): ${nodeErrors[id]?.messages.join('; ')}`
  )
  const message = `ComfyUI (${serverName}) rejected the prompt: ${top.message}${
    perNode.length > 0 ? ` — ${perNode.join(' | ')}` : top.details ? ` — ${top.details}` : ''
  }`
  const info: RunErrorInfo = { kind: 'validation', message, nodeErrors }
  if (first !== undefined) {
    info.nodeId = first
    info.classType = nodeErrors[first]?.classType
  }
  return ApplicationFailure.create({ message, type: FAILURE.validation, nonRetryable: true, details: [info] })
}

/** No known server has the nodes or models this prompt uses. */
export function capabilityFailure(problems: CapabilityProblem[]): ApplicationFailure {
  const nodeErrors: NonNullable<RunErrorInfo['nodeErrors']> = {}
  for (const p of problems) {
    const key = p.nodeId || '-'
    const entry = (nodeErrors[key] ??= { classType: p.classType, messages: [] })
    entry.messages.push(p.message)
  }
  const message = `No server can run this prompt: ${problems
    .map((p) => (p.nodeId ? `node ${p.nodeId} (${p.classType}): ${p.message}` : p.message))
    .join(' | ')}`
  const first = problems[0]
  const info: RunErrorInfo = { kind: 'validation', message, nodeErrors }
  if (first?.nodeId) {
    info.nodeId = first.nodeId
    info.classType = first.classType
  }
  return ApplicationFailure.create({ message, type: FAILURE.validation, nonRetryable: true, details: [info] })
}

export function isOutOfMemory(data: ExecutionErrorData): boolean {
  return /OutOfMemory/i.test(data.exception_type)
}

/** execution_error: node, exception type and message. `oom` set: the workflow retries once elsewhere. */
export function executionFailure(data: ExecutionErrorData, serverName: string, oom?: OomDetails): ApplicationFailure {
  const text = data.exception_message.trim()
  const message = `Node ${data.node_id} (${data.node_type}) failed on ${serverName}: ${data.exception_type}: ${text}`
  const info: RunErrorInfo = {
    kind: 'execution',
    message,
    nodeId: data.node_id,
    classType: data.node_type,
    exceptionType: data.exception_type,
  }
  return ApplicationFailure.create({
    message,
    type: oom === undefined ? FAILURE.execution : FAILURE.oomRetry,
    nonRetryable: true,
    details: oom === undefined ? [info] : [info, oom],
  })
}

export function interruptedFailure(nodeId: string | null, serverName: string): ApplicationFailure {
  const message = `The prompt was interrupted on ${serverName}${nodeId === null ? '' : ` at node ${nodeId}`} by someone else`
  const info: RunErrorInfo = { kind: 'cancelled', message, nodeId: nodeId ?? undefined }
  return ApplicationFailure.create({ message, type: FAILURE.interrupted, nonRetryable: true, details: [info] })
}

/**
 * An output the worker will not store (larger than the cap, or behind a redirect). Not retried: the
 * server would answer the same; the message says which file and why.
 */
export function refusedOutputFailure(filename: string, reason: string): ApplicationFailure {
  const message = `Output ${filename} was not stored: ${reason}`
  const info: RunErrorInfo = { kind: 'execution', message }
  return ApplicationFailure.create({ message, type: FAILURE.outputRefused, nonRetryable: true, details: [info] })
}

/** The outputs were still gone after the prompt ran again with the cache defeated: say so, do not loop. */
export function missingOutputsFailure(error: Error, serverName: string): ApplicationFailure {
  const message = `Outputs missing on ${serverName} even after running the prompt again: ${error.message}`
  const info: RunErrorInfo = { kind: 'execution', message }
  return ApplicationFailure.create({ message, type: FAILURE.outputRefused, nonRetryable: true, details: [info] })
}

/** Retryable: the next attempt reattaches or fails over. */
export function unavailableFailure(message: string): ApplicationFailure {
  const info: RunErrorInfo = { kind: 'unavailable', message }
  return ApplicationFailure.create({ message, type: FAILURE.unavailable, nonRetryable: false, details: [info] })
}
