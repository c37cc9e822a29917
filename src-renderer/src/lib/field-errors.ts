import type { AppError } from '../../../src-shared/contract'

/** Per-field messages (keyed by dotted path, e.g. `temporal.address`) plus what fits no field. */
export interface FieldErrors {
  fields: Record<string, string>
  general: string | null
}

const pathOf = (p: unknown): string | null =>
  typeof p === 'string'
    ? p
    : Array.isArray(p) && p.every((x) => typeof x === 'string' || typeof x === 'number')
      ? p.join('.')
      : null

function fromIssues(list: unknown[], out: Record<string, string>): void {
  for (const issue of list) {
    if (!issue || typeof issue !== 'object') continue
    const o = issue as Record<string, unknown>
    const path = pathOf(o.path ?? o.field)
    if (path && typeof o.message === 'string') out[path] = o.message
  }
}

/**
 * Maps a validation error onto form fields. The core may name one field (`details.field`), a map
 * (`details.fields`), or a list of issues (`details.issues` / `details` as `[{ path, message }]`);
 * whatever cannot be placed is shown as a general message.
 */
export function toFieldErrors(error: AppError): FieldErrors {
  const fields: Record<string, string> = {}
  const d = error.details
  if (Array.isArray(d)) fromIssues(d, fields)
  else if (d && typeof d === 'object') {
    const o = d as Record<string, unknown>
    const single = pathOf(o.field ?? o.path)
    if (single) fields[single] = typeof o.message === 'string' ? o.message : error.message
    if (o.fields && typeof o.fields === 'object' && !Array.isArray(o.fields))
      for (const [k, v] of Object.entries(o.fields as Record<string, unknown>)) if (typeof v === 'string') fields[k] = v
    for (const key of ['issues', 'errors']) if (Array.isArray(o[key])) fromIssues(o[key] as unknown[], fields)
    if (Array.isArray(o.problems)) return fromProblems(o.problems, fields, error.message)
  }
  const placed = Object.keys(fields).length > 0
  return { fields, general: placed && Object.values(fields).includes(error.message) ? null : error.message }
}

/** Sentences that start with the dotted path they are about (`retry.maximumAttempts must be …`). */
const PROBLEM_PATH = /^([A-Za-z]\w*(?:\.[A-Za-z]\w*)*) /

function fromProblems(problems: unknown[], fields: Record<string, string>, message: string): FieldErrors {
  const rest: string[] = []
  for (const p of problems) {
    if (typeof p !== 'string') continue
    const path = PROBLEM_PATH.exec(p)?.[1]
    if (path) fields[path] = p
    else rest.push(p)
  }
  return { fields, general: rest.length ? rest.join('; ') : Object.keys(fields).length ? null : message }
}
