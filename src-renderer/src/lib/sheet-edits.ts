/**
 * The run sheet's form state turned into a submit request's `edits` and `vary` axes, with a message per
 * field that cannot be read. Pure, so the rules are unit-tested without a browser.
 */
import type { InputAxis, InputEdit } from '../../../src-shared/comfy/input-edits'
import type { AppError, EditableField } from '../../../src-shared/contract'
import { fieldText, parseFieldValue, parseVaryValues, randomSeed } from './field-value'

/** How a field's value is chosen: as typed, a fresh random seed each submit, or varied over a list/range. */
export type FieldMode = 'fixed' | 'random' | 'vary'

export interface FieldDraft {
  mode: FieldMode
  text: string
  varyText: string
}

/** The key of a field in drafts and error maps. */
export const fieldKey = (f: Pick<EditableField, 'nodeId' | 'input'>): string => `${f.nodeId}/${f.input}`

export interface SheetEdits {
  edits: InputEdit[]
  axes: InputAxis[]
  /** Messages by {@link fieldKey}; non-empty means nothing may be sent. */
  errors: Record<string, string>
  /** Typed values to remember as recent suggestions. */
  remember: { classType: string; input: string; text: string }[]
}

/** Reads every touched field; untouched ones stay as the workflow has them. */
export function buildEdits(fields: readonly EditableField[], drafts: Record<string, FieldDraft>): SheetEdits {
  const out: SheetEdits = { edits: [], axes: [], errors: {}, remember: [] }
  for (const field of fields) {
    const key = fieldKey(field)
    const draft = drafts[key]
    if (!draft) continue
    const ref = { nodeId: field.nodeId, input: field.input }
    if (draft.mode === 'random') out.edits.push({ ...ref, value: randomSeed() })
    else if (draft.mode === 'vary') {
      const r = parseVaryValues(field, draft.varyText)
      if (!r.ok) out.errors[key] = r.error
      else if ('values' in r) out.axes.push({ ...ref, values: r.values })
    } else if (draft.text !== fieldText(field.value)) {
      const r = parseFieldValue(field, draft.text)
      if (!r.ok) out.errors[key] = r.error
      else {
        out.edits.push({ ...ref, value: r.value })
        if (field.kind !== 'boolean')
          out.remember.push({ classType: field.classType, input: field.input, text: draft.text })
      }
    }
  }
  return out
}

interface Problem {
  nodeId: string
  input: string
  message: string
}

const isProblem = (p: unknown): p is Problem =>
  typeof p === 'object' &&
  p !== null &&
  typeof (p as Problem).nodeId === 'string' &&
  typeof (p as Problem).input === 'string' &&
  typeof (p as Problem).message === 'string'

/**
 * The fields a core error is about: an edit error names one (`details` is the field), the intake's
 * invalid-inputs error lists them (`details.problems`).
 */
export function problemsByField(error: Pick<AppError, 'details'> | null | undefined): Record<string, string> {
  const d = error?.details
  const list: unknown[] = isProblem(d)
    ? [d]
    : Array.isArray((d as { problems?: unknown } | undefined)?.problems)
      ? (d as { problems: unknown[] }).problems
      : []
  const out: Record<string, string> = {}
  for (const p of list) if (isProblem(p)) out[fieldKey(p)] = p.message
  return out
}
