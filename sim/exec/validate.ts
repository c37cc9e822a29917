/**
 * Prompt validation, mirroring ComfyUI 0.3.64 execution.py validate_prompt / validate_inputs:
 * same error types, messages, details and extra_info, same node_errors grouping (only nodes with their
 * own reasons; dependent_outputs appended per failing output), same in-place coercion of literals.
 *
 * Deliberate differences: Python iterates a node's inputs and the prompt's outputs as sets (hash order);
 * we use input_order and prompt order, which is one of the orders Python could produce.
 */
import { inputOptions } from '../catalog/object-info'
import type { InputDef, NodeDef } from '../catalog/types'
import { PyError, pyBool, pyEquals, pyFloat, pyInt, pyLess, pyOptStr, pyStrOf } from '../py/py-convert'
import { isDict, pyStr } from '../py/py-json'
import type { Dumpable, PyDict, PyValue } from '../py/py-json'

/** One reason, as in ComfyUI's error dicts. */
export interface Reason {
  type: string
  message: string
  details: string
  extra_info: Record<string, Dumpable>
}

/** node_errors entry. */
export interface NodeError {
  errors: Reason[]
  dependent_outputs: string[]
  class_type: string
}

/** What validation needs to know about the server it runs on. */
export interface CatalogView {
  node(classType: string): NodeDef | undefined
  /** The resolved type of an input (type name or the combo list on this server). */
  inputType(def: InputDef): string | string[]
  /** LoadImage's VALIDATE_INPUTS: does the annotated input file exist? */
  inputFileExists(name: string): boolean
}

export type ValidationResult =
  | { ok: true; outputs: string[]; nodeErrors: Map<string, NodeError> }
  | { ok: false; error: Reason; nodeErrors: Map<string, NodeError> }

type Validated = Map<string, { valid: boolean; reasons: Reason[] }>

const TRACEBACK_VALIDATE = [
  '  File "/ComfyUI/execution.py", line 1101, in validate_prompt\n    m = await validate_inputs(prompt_id, prompt, o, validated)\n',
  '  File "/ComfyUI/execution.py", line 880, in validate_inputs\n    o_class_type = prompt[o_id][\'class_type\']\n',
]

/** Validate a prompt (mutating literal inputs in place, as ComfyUI does). */
export function validatePrompt(
  prompt: PyDict,
  partialTargets: PyValue | undefined,
  cat: CatalogView
): ValidationResult {
  const outputs: string[] = []
  const targets = Array.isArray(partialTargets) ? partialTargets : undefined
  for (const [id, node] of prompt) {
    const classType = isDict(node) ? node.get('class_type') : undefined
    if (!isDict(node) || classType === undefined) {
      const error = reason(
        'invalid_prompt',
        'Cannot execute because a node is missing the class_type property.',
        `Node ID '#${id}'`,
        {}
      )
      return { ok: false, error, nodeErrors: new Map() }
    }
    const def = typeof classType === 'string' ? cat.node(classType) : undefined
    if (!def) {
      const message = `Cannot execute because node ${pyStr(classType)} does not exist.`
      return { ok: false, error: reason('invalid_prompt', message, `Node ID '#${id}'`, {}), nodeErrors: new Map() }
    }
    if (def.outputNode && (targets === undefined || targets.includes(id))) outputs.push(id)
  }
  if (outputs.length === 0) {
    const error = reason('prompt_no_outputs', 'Prompt has no outputs', '', {})
    return { ok: false, error, nodeErrors: new Map() }
  }
  const good: string[] = []
  const failed: Array<[string, Reason[]]> = []
  const nodeErrors = new Map<string, NodeError>()
  const validated: Validated = new Map()
  for (const o of outputs) {
    let valid: boolean
    let reasons: Reason[]
    try {
      ;({ valid, reasons } = validateInputs(prompt, o, validated, cat))
    } catch (ex) {
      const e = asPyError(ex)
      valid = false
      reasons = [
        reason('exception_during_validation', 'Exception when validating node', e.message, {
          exception_type: e.pyType,
          traceback: TRACEBACK_VALIDATE,
        }),
      ]
      validated.set(o, { valid: false, reasons })
    }
    if (valid) {
      good.push(o)
      continue
    }
    // Only the output's own reasons go into `details`; upstream reasons only show in node_errors.
    failed.push([o, reasons])
    for (const [nodeId, result] of validated) {
      if (result.valid || result.reasons.length === 0) continue
      let entry = nodeErrors.get(nodeId)
      if (!entry) {
        const node = prompt.get(nodeId)
        const classType = isDict(node) ? node.get('class_type') : null
        entry = {
          errors: result.reasons,
          dependent_outputs: [],
          class_type: typeof classType === 'string' ? classType : '',
        }
        nodeErrors.set(nodeId, entry)
      }
      entry.dependent_outputs.push(o)
    }
  }
  if (good.length === 0) {
    const details = failed.flatMap(([, rs]) => rs.map((r) => `${r.message}: ${r.details}`)).join('\n')
    const error = reason('prompt_outputs_failed_validation', 'Prompt outputs failed validation', details, {})
    return { ok: false, error, nodeErrors }
  }
  return { ok: true, outputs: good, nodeErrors }
}

function reason(type: string, message: string, details: string, extra: Record<string, Dumpable>): Reason {
  return { type, message, details, extra_info: extra }
}

function asPyError(ex: unknown): PyError {
  if (ex instanceof PyError) return ex
  return new PyError('Exception', ex instanceof Error ? ex.message : String(ex))
}

function validateInputs(
  prompt: PyDict,
  id: string,
  validated: Validated,
  cat: CatalogView
): { valid: boolean; reasons: Reason[] } {
  const cached = validated.get(id)
  if (cached) return cached
  const node = prompt.get(id)
  if (!isDict(node)) throw new PyError('KeyError', `'${id}'`)
  const inputs = node.get('inputs')
  if (!isDict(inputs)) throw new PyError('KeyError', "'inputs'")
  const def = cat.node(node.get('class_type') as string)
  if (!def) throw new PyError('KeyError', pyStr(node.get('class_type') ?? null, false))
  const errors: Reason[] = []
  let valid = true
  const sections: Array<['required' | 'optional', Record<string, InputDef>]> = [
    ['required', def.required ?? {}],
    ['optional', def.optional ?? {}],
  ]
  for (const [category, section] of sections) {
    for (const [x, inputDef] of Object.entries(section)) {
      const inputType = cat.inputType(inputDef)
      const extra = inputOptions(inputDef, typeof inputType === 'string' ? inputType : 'COMBO') ?? {}
      const info: Dumpable = [inputType, extra]
      if (!inputs.has(x)) {
        if (category === 'required')
          errors.push(reason('required_input_missing', 'Required input is missing', x, { input_name: x }))
        continue
      }
      const val = inputs.get(x) as PyValue
      if (Array.isArray(val)) {
        const r = checkLink(prompt, x, val, inputType, info, validated, cat)
        if (r === 'invalid') valid = false
        else if (r) errors.push(r)
        continue
      }
      const r = checkLiteral(inputs, x, val, inputType, extra, info, def)
      if (r) errors.push(r)
    }
  }
  errors.push(...customValidation(def, inputs, cat))
  const ret = { valid: errors.length === 0 && valid, reasons: errors }
  validated.set(id, ret)
  return ret
}

function checkLink(
  prompt: PyDict,
  x: string,
  val: PyValue[],
  inputType: string | string[],
  info: Dumpable,
  validated: Validated,
  cat: CatalogView
): Reason | 'invalid' | null {
  if (val.length !== 2) {
    return reason('bad_linked_input', 'Bad linked input, must be a length-2 list of [node_id, slot_index]', x, {
      input_name: x,
      input_config: info,
      received_value: val,
    })
  }
  const [oId, slot] = val as [PyValue, PyValue]
  const source = typeof oId === 'string' ? prompt.get(oId) : undefined
  if (!isDict(source)) throw new PyError('KeyError', pyStr(oId, false))
  const sourceDef = cat.node(source.get('class_type') as string)
  if (!sourceDef) throw new PyError('KeyError', pyStr(source.get('class_type') ?? null, false))
  const receivedType = returnType(sourceDef.output, slot)
  if (!typesMatch(receivedType, inputType)) {
    const details = `${x}, received_type(${receivedType}) mismatch input_type(${typeof inputType === 'string' ? inputType : pyStr(inputType)})`
    return reason('return_type_mismatch', 'Return type mismatch between linked nodes', details, {
      input_name: x,
      input_config: info,
      received_type: receivedType,
      linked_node: val,
    })
  }
  try {
    const r = validateInputs(prompt, oId as string, validated, cat)
    return r.valid ? null : 'invalid'
  } catch (ex) {
    const e = asPyError(ex)
    const reasons = [
      reason('exception_during_inner_validation', 'Exception when validating inner node', e.message, {
        input_name: x,
        input_config: info,
        exception_message: e.message,
        exception_type: e.pyType,
        traceback: TRACEBACK_VALIDATE,
        linked_node: val,
      }),
    ]
    validated.set(oId as string, { valid: false, reasons })
    return 'invalid'
  }
}

/** RETURN_TYPES[slot] with Python's indexing rules (bool is an int, negative indexes count from the end). */
function returnType(outputs: readonly string[], slot: PyValue): string {
  let i: number
  if (typeof slot === 'boolean') i = slot ? 1 : 0
  else if (typeof slot === 'number' && Number.isInteger(slot)) i = slot
  else if (typeof slot === 'bigint') i = Number(slot)
  else {
    const tn = pyTypeName(slot)
    throw new PyError('TypeError', `tuple indices must be integers or slices, not ${tn}`)
  }
  const idx = i < 0 ? outputs.length + i : i
  const r = outputs[idx]
  if (r === undefined) throw new PyError('IndexError', 'tuple index out of range')
  return r
}

function pyTypeName(v: PyValue): string {
  if (v === null) return 'NoneType'
  if (typeof v === 'string') return 'str'
  if (Array.isArray(v)) return 'list'
  if (isDict(v)) return 'dict'
  return 'float'
}

/** comfy_execution validate_node_input (non-strict). */
function typesMatch(received: string, input: string | string[]): boolean {
  if (typeof input !== 'string') return false
  if (received === input) return true
  const r = new Set(received.split(',').map((s) => s.trim()))
  const i = new Set(input.split(',').map((s) => s.trim()))
  if (r.has('*') || i.has('*')) return true
  for (const t of r) if (i.has(t)) return true
  return false
}

function checkLiteral(
  inputs: PyDict,
  x: string,
  raw: PyValue,
  inputType: string | string[],
  extra: Record<string, Dumpable>,
  info: Dumpable,
  def: NodeDef
): Reason | null {
  let val = raw
  try {
    if (isDict(val) && val.has('__value__')) {
      val = val.get('__value__') as PyValue
      inputs.set(x, val)
    }
    if (inputType === 'INT') val = pyInt(val)
    else if (inputType === 'FLOAT') val = pyFloat(val)
    else if (inputType === 'STRING') val = pyStrOf(val)
    else if (inputType === 'BOOLEAN') val = pyBool(val)
    inputs.set(x, val)
  } catch (ex) {
    const e = asPyError(ex)
    return reason(
      'invalid_input_type',
      `Failed to convert an input value to a ${String(inputType)} value`,
      `${x}, ${pyStr(val)}, ${e.message}`,
      {
        input_name: x,
        input_config: info,
        received_value: val,
        exception_message: e.message,
      }
    )
  }
  if (def.validateInputs?.includes(x)) return null
  const min = extra.min as PyValue | undefined
  const max = extra.max as PyValue | undefined
  if (min !== undefined && pyLess(val, min) === true) {
    return reason('value_smaller_than_min', `Value ${pyStr(val)} smaller than min of ${pyOptStr(min)}`, x, {
      input_name: x,
      input_config: info,
      received_value: val,
    })
  }
  if (max !== undefined && pyLess(max, val) === true) {
    return reason('value_bigger_than_max', `Value ${pyStr(val)} bigger than max of ${pyOptStr(max)}`, x, {
      input_name: x,
      input_config: info,
      received_value: val,
    })
  }
  if (Array.isArray(inputType) && !inputType.some((o) => pyEquals(val, o))) {
    const long = inputType.length > 20
    const listInfo = long ? `(list of length ${inputType.length})` : pyStr(inputType)
    return reason('value_not_in_list', 'Value not in list', `${x}: '${pyStr(val)}' not in ${listInfo}`, {
      input_name: x,
      input_config: long ? null : info,
      received_value: val,
    })
  }
  return null
}

/** VALIDATE_INPUTS of the catalog's nodes (LoadImage / LoadImageMask: the file must exist). */
function customValidation(def: NodeDef, inputs: PyDict, cat: CatalogView): Reason[] {
  if (!def.validateInputs?.includes('image') || !inputs.has('image')) return []
  const image = inputs.get('image') as PyValue
  let problem: string | null = null
  if (typeof image !== 'string' || !cat.inputFileExists(image)) problem = `Invalid image file: ${pyStr(image)}`
  else if (def.name === 'LoadImageMask') {
    const channel = inputs.get('channel') ?? null
    if (!['alpha', 'red', 'green', 'blue'].includes(channel as string))
      problem = `Invalid color channel: ${pyStr(channel)}`
  }
  if (problem === null) return []
  // ComfyUI reports the failed call once per input passed to VALIDATE_INPUTS.
  return def.validateInputs
    .filter((x) => inputs.has(x))
    .map((x) =>
      reason('custom_validation_failed', 'Custom validation failed for node', `${x} - ${problem}`, { input_name: x })
    )
}
