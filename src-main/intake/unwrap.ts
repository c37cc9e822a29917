import { err, ok } from '../../src-shared/contract/result'
import type { Result } from '../../src-shared/contract/result'
import { INTAKE_ERRORS } from '../../src-shared/contract/intake'
import { isRecord } from './json-text'
import { looksLikeApiPrompt } from './prompt-check'
import { looksLikeUiWorkflow } from './ui-workflow'

/** What a parsed JSON file holds: an API prompt, a UI workflow, or both (envelopes, queue items). */
export interface WorkflowParts {
  prompt: Record<string, unknown> | null
  workflow: Record<string, unknown> | null
}

/**
 * Finds the workflow inside parsed JSON. Accepts a bare API prompt, a bare UI workflow, `{"workflow": …}`,
 * the `/prompt` request body `{"prompt": …, "extra_data": {"extra_pnginfo": {"workflow": …}}}`, and queue or
 * history items whose `prompt` is the server's tuple `[number, prompt_id, prompt, extra_data, outputs]`.
 */
export function unwrapWorkflowJson(value: unknown): Result<WorkflowParts> {
  if (looksLikeUiWorkflow(value)) return nonEmptyUi(value)
  if (looksLikeApiPrompt(value)) return ok({ prompt: value, workflow: null })
  if (Array.isArray(value) && value.length >= 3) return fromTuple(value)
  if (!isRecord(value)) {
    return err(INTAKE_ERRORS.notWorkflow, `The file is JSON but not a ComfyUI workflow (it is ${describe(value)}).`)
  }
  if ('prompt' in value) return fromEnvelope(value.prompt, extraWorkflow(value.extra_data) ?? uiOrNull(value.workflow))
  if (looksLikeUiWorkflow(value.workflow)) return nonEmptyUi(value.workflow)
  if (Object.keys(value).length === 0) return err(INTAKE_ERRORS.emptyWorkflow, 'The workflow has no nodes.')
  const notNodes = Object.keys(value).filter((k) => !isRecord(value[k]) || !('class_type' in value[k]))
  return err(
    INTAKE_ERRORS.notWorkflow,
    `The file is JSON but not a ComfyUI workflow: it has no "nodes" list, and ${notNodes
      .slice(0, 5)
      .map((k) => JSON.stringify(k.slice(0, 40)))
      .join(', ')} ${notNodes.length === 1 ? 'is not a node' : 'are not nodes'} with a class_type.`,
    { keys: notNodes.slice(0, 20) }
  )
}

function fromEnvelope(inner: unknown, workflow: Record<string, unknown> | null): Result<WorkflowParts> {
  if (Array.isArray(inner) && inner.length >= 3) return fromTuple(inner, workflow)
  if (looksLikeApiPrompt(inner)) return ok({ prompt: inner, workflow })
  if (looksLikeUiWorkflow(inner)) return nonEmptyUi(inner)
  if (isRecord(inner) && Object.keys(inner).length === 0) {
    return err(INTAKE_ERRORS.emptyWorkflow, 'The "prompt" of the file has no nodes.')
  }
  return err(INTAKE_ERRORS.notWorkflow, `The "prompt" field is not an API prompt (it is ${describe(inner)}).`)
}

/** `[number, prompt_id, prompt, extra_data, outputs_to_execute]` as ComfyUI's PromptQueue stores it. */
function fromTuple(tuple: unknown[], workflow: Record<string, unknown> | null = null): Result<WorkflowParts> {
  const [, , prompt, extra] = tuple
  if (!looksLikeApiPrompt(prompt)) {
    return err(INTAKE_ERRORS.notWorkflow, 'The file is a JSON list, not a ComfyUI workflow or queue item.')
  }
  return ok({ prompt, workflow: extraWorkflow(extra) ?? workflow })
}

function extraWorkflow(extraData: unknown): Record<string, unknown> | null {
  if (!isRecord(extraData) || !isRecord(extraData.extra_pnginfo)) return null
  return uiOrNull(extraData.extra_pnginfo.workflow)
}

function uiOrNull(value: unknown): Record<string, unknown> | null {
  return looksLikeUiWorkflow(value) ? value : null
}

function nonEmptyUi(workflow: Record<string, unknown>): Result<WorkflowParts> {
  if ((workflow.nodes as unknown[]).length === 0) return err(INTAKE_ERRORS.emptyWorkflow, 'The workflow has no nodes.')
  return ok({ prompt: null, workflow })
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `a list of ${value.length} items`
  if (isRecord(value)) return 'an object without nodes'
  return `a ${typeof value}`
}
