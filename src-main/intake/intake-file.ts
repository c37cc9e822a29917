import { err, ok } from '../../src-shared/contract/result'
import type { Result } from '../../src-shared/contract/result'
import { INTAKE_ERRORS, INTAKE_MAX_BYTES } from '../../src-shared/contract/intake'
import type { IntakeFile, IntakeKind, IntakeOptions, IntakeResult, ObjectInfo } from '../../src-shared/contract/intake'
import { convertUiToApi, uiClassTypes } from './convert-ui'
import { decodeUtf8, parseJsonText } from './json-text'
import { isPng, readPngText } from './png-metadata'
import { checkApiPrompt, checkNodeTypes, promptClassTypes } from './prompt-check'
import { extractRunMetadata } from './run-metadata'
import { staleEmbeddedPromptWarning, whyRefused } from './stale-prompt'
import { readUiWorkflow } from './ui-workflow'
import { unwrapWorkflowJson } from './unwrap'
import type { WorkflowParts } from './unwrap'
import { isWebp, readWebpText } from './webp-metadata'

/**
 * Turns whatever ComfyUI file a user has into a runnable API prompt: API or UI JSON (bare or in an envelope),
 * or a PNG / WebP saved by ComfyUI. Pure: it reads only its arguments and never throws; every rejection is an
 * error Result with a specific `intake/*` code, so nothing gets queued.
 */
export function intakeFile(file: IntakeFile, options: IntakeOptions): Result<IntakeResult> {
  const size = file.bytes.length
  if (size > INTAKE_MAX_BYTES) {
    return err(
      INTAKE_ERRORS.tooLarge,
      `${file.name} is ${mb(size)} MB; workflow files over ${mb(INTAKE_MAX_BYTES)} MB are refused.`,
      { bytes: size, limit: INTAKE_MAX_BYTES }
    )
  }
  if (size === 0) return err(INTAKE_ERRORS.emptyFile, `${file.name} is empty.`)
  if (isPng(file.bytes)) return fromImageTexts(readPngText(file.bytes), 'png', file.name, options)
  if (isWebp(file.bytes)) return fromImageTexts(readWebpText(file.bytes), 'webp', file.name, options)
  const text = decodeUtf8(file.bytes)
  if (text === null) {
    return err(
      INTAKE_ERRORS.notJson,
      `${file.name} is not a workflow: it is neither JSON text nor a PNG or WebP image.`
    )
  }
  const parsed = parseJsonText(text, 'file')
  if (!parsed.ok) return parsed
  return intakeJson(parsed.value, file.name, options)
}

/** Same as intakeFile for JSON that is already parsed (e.g. the body of a local API request). */
export function intakeJson(value: unknown, name: string | null, options: IntakeOptions): Result<IntakeResult> {
  const parts = unwrapWorkflowJson(value)
  if (!parts.ok) return parts
  return fromParts(parts.value, parts.value.prompt ? 'api' : 'ui', name, options)
}

function fromImageTexts(
  texts: Result<Record<string, string>>,
  kind: 'png' | 'webp',
  name: string,
  options: IntakeOptions
): Result<IntakeResult> {
  if (!texts.ok) return texts
  const { prompt, workflow, parameters } = texts.value
  const label = kind === 'png' ? 'PNG' : 'WebP'
  if (prompt === undefined && workflow === undefined) {
    const why = parameters !== undefined ? " (it has Automatic1111 'parameters', which ComfyUI cannot run)" : ''
    const code = kind === 'png' ? INTAKE_ERRORS.pngNoMetadata : INTAKE_ERRORS.webpNoMetadata
    return err(code, `${name} is a ${label} without ComfyUI workflow metadata${why}.`)
  }
  const parts: WorkflowParts = { prompt: null, workflow: null }
  let firstError: Result<never> | null = null
  for (const [key, text] of [['prompt', prompt] as const, ['workflow', workflow] as const]) {
    if (text === undefined) continue
    const found = parseEmbedded(text, `${label} '${key}' metadata`)
    if (!found.ok) firstError ??= found
    else {
      parts.prompt ??= found.value.prompt
      parts.workflow ??= found.value.workflow
    }
  }
  if (!parts.prompt && !parts.workflow)
    return firstError ?? err(INTAKE_ERRORS.notWorkflow, `${name} has no usable workflow.`)
  return fromParts(parts, kind, name, options)
}

function parseEmbedded(text: string, what: string): Result<WorkflowParts> {
  const parsed = parseJsonText(text, what)
  return parsed.ok ? unwrapWorkflowJson(parsed.value) : parsed
}

/**
 * An embedded/sent API prompt wins (it is what actually ran), unless no known server accepts it while a UI
 * workflow came with it that converts to a prompt one does: then the workflow is used, and a warning says so.
 * Otherwise the UI workflow is converted.
 */
function fromParts(
  parts: WorkflowParts,
  kind: IntakeKind,
  name: string | null,
  options: IntakeOptions
): Result<IntakeResult> {
  const chosen = choosePrompt(parts, options)
  if (!chosen.ok) return chosen
  const { raw, source, warnings } = chosen.value
  const checked = checkApiPrompt(raw)
  if (!checked.ok) return checked
  const capable = checkNodeTypes(promptClassTypes(checked.value.prompt), options)
  if (!capable.ok) return capable
  return ok({
    kind,
    source,
    prompt: checked.value.prompt,
    workflow: parts.workflow,
    meta: extractRunMetadata(checked.value.prompt, name),
    capableServers: capable.value,
    warnings: [...warnings, ...checked.value.warnings],
  })
}

interface ChosenPrompt {
  raw: unknown
  source: IntakeResult['source']
  warnings: string[]
}

function choosePrompt(parts: WorkflowParts, options: IntakeOptions): Result<ChosenPrompt> {
  if (!parts.prompt) {
    const converted = convertWorkflow(parts.workflow!, options)
    if (!converted.ok) return converted
    return ok({ raw: converted.value.prompt, source: 'workflow', warnings: converted.value.warnings })
  }
  const asIs: ChosenPrompt = { raw: parts.prompt, source: 'prompt', warnings: [] }
  if (!parts.workflow) return ok(asIs)
  const checked = checkApiPrompt(parts.prompt)
  const reasons = checked.ok ? whyRefused(checked.value.prompt, options) : null
  if (reasons === null) return ok(asIs)
  // The prompt would be refused: the workflow is worth it only if its conversion would be accepted.
  const converted = convertWorkflow(parts.workflow, options)
  if (!converted.ok || whyRefused(converted.value.prompt, options) !== null) return ok(asIs)
  const warnings = [staleEmbeddedPromptWarning(reasons), ...converted.value.warnings]
  return ok({ raw: converted.value.prompt, source: 'workflow', warnings })
}

function convertWorkflow(raw: Record<string, unknown>, options: IntakeOptions) {
  const workflow = readUiWorkflow(raw)
  if (!workflow.ok) return workflow
  const types = uiClassTypes(workflow.value)
  if (!types.ok) return types
  const info = pickObjectInfo(types.value, options)
  if (!info.ok) return info
  return convertUiToApi(workflow.value, info.value)
}

/** The preferred /object_info when it knows every class type of the workflow, else the first server's that does. */
function pickObjectInfo(types: string[], options: IntakeOptions): Result<ObjectInfo> {
  const servers = Object.values(options.objectInfoByServer ?? {})
  if (!options.objectInfo && servers.length === 0) {
    return err(
      INTAKE_ERRORS.needsObjectInfo,
      'This is a UI-format workflow; converting it needs a server\'s node list (/object_info). Add or connect a server first, or save the workflow with "Export (API)".'
    )
  }
  const check = checkNodeTypes(types, options)
  if (!check.ok) return check
  const knowsAll = (info: ObjectInfo): boolean => types.every((t) => t in info)
  if (options.objectInfo && knowsAll(options.objectInfo)) return ok(options.objectInfo)
  return ok(servers.find(knowsAll)!)
}

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1)
}
