/**
 * The form of a workflow: every literal input of every node, typed by the servers' /object_info, with
 * combo options merged over the servers that could run it (so a model picker offers what any of them has).
 */
import type { ObjectInfo, ObjectInfoInputSpec, ObjectInfoNode } from '../contract/intake'
import type { ApiPrompt } from '../contract/runs'
import type { EditableField, FieldKind } from '../contract/run-sheet'
import { enumOptions } from './capabilities'
import { isCommonInput } from './common-inputs'
import { isLink } from './input-edits'

/** Every editable input of `prompt`, in node-id order, then the node's declared input order. */
export function editableFields(prompt: ApiPrompt, infos: readonly ObjectInfo[]): EditableField[] {
  const fields: EditableField[] = []
  for (const nodeId of Object.keys(prompt).sort(byNodeId)) {
    const node = prompt[nodeId]!
    const defs = infos.map((i) => i[node.class_type]).filter((d): d is ObjectInfoNode => d !== undefined)
    if (defs.length === 0) continue
    const title = node._meta?.title ?? defs[0]!.display_name ?? node.class_type
    for (const [input, spec] of declaredInputs(defs[0]!)) {
      const value = node.inputs[input]
      if (value === undefined || isLink(value)) continue
      const field = fieldOf(spec, defs, input, value)
      if (field === null) continue
      fields.push({ nodeId, nodeTitle: title, classType: node.class_type, input, value, ...field })
    }
  }
  return fields
}

/** Node ids are numbers in ComfyUI files ("3", "10"), sometimes "12:3" in subgraphs: numeric order first. */
function byNodeId(a: string, b: string): number {
  const na = Number(a)
  const nb = Number(b)
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb
  return a.localeCompare(b, 'en', { numeric: true })
}

function declaredInputs(def: ObjectInfoNode): [string, ObjectInfoInputSpec][] {
  return [...Object.entries(def.input.required ?? {}), ...Object.entries(def.input.optional ?? {})]
}

type FieldShape = Omit<EditableField, 'nodeId' | 'nodeTitle' | 'classType' | 'input' | 'value'>

function fieldOf(
  spec: ObjectInfoInputSpec,
  defs: readonly ObjectInfoNode[],
  input: string,
  value: unknown
): FieldShape | null {
  const common = isCommonInput(input)
  const options = mergedOptions(defs, input)
  if (options !== null) return { kind: 'combo', options, common }
  const kind = kindOf(spec[0])
  if (kind === null || !isScalar(value)) return null
  const opts = (typeof spec[1] === 'object' && spec[1] !== null ? spec[1] : {}) as Record<string, unknown>
  const shape: FieldShape = { kind, common }
  if (typeof opts.min === 'number') shape.min = opts.min
  if (typeof opts.max === 'number') shape.max = opts.max
  if (typeof opts.step === 'number') shape.step = opts.step
  if (kind === 'string' && opts.multiline === true) shape.multiline = true
  return shape
}

/** The union of a combo's options over every server that has the node, in first-seen order. */
function mergedOptions(defs: readonly ObjectInfoNode[], input: string): string[] | null {
  let merged: string[] | null = null
  const seen = new Set<string>()
  for (const def of defs) {
    const spec = def.input.required?.[input] ?? def.input.optional?.[input]
    const options = enumOptions(spec)
    if (options === null) continue
    merged ??= []
    for (const o of options) if (!seen.has(o) && seen.add(o)) merged.push(o)
  }
  return merged
}

function kindOf(type: unknown): FieldKind | null {
  switch (type) {
    case 'INT':
      return 'int'
    case 'FLOAT':
      return 'float'
    case 'STRING':
      return 'string'
    case 'BOOLEAN':
      return 'boolean'
    default:
      return null
  }
}

const isScalar = (v: unknown): boolean => ['number', 'string', 'boolean'].includes(typeof v)
