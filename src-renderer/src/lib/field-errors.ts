import type { AppError, FieldIssue } from '../../../src-shared/contract'

/** Per-field messages (keyed by dotted path, e.g. `temporal.address`) plus what fits no field. */
export interface FieldErrors {
  fields: Record<string, string>
  general: string | null
}

const isIssue = (v: unknown): v is FieldIssue =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as FieldIssue).path === 'string' &&
  typeof (v as FieldIssue).message === 'string'

/**
 * Maps a validation error onto form fields. The core's schema errors carry `details.issues`, each
 * with its dotted field path (src-shared/contract/validation.ts), so nothing is parsed out of
 * sentences; whatever names no field is shown as a general message.
 */
export function toFieldErrors(error: AppError): FieldErrors {
  const fields: Record<string, string> = {}
  const raw = (error.details as { issues?: unknown } | null | undefined)?.issues
  const issues = Array.isArray(raw) ? raw.filter(isIssue) : []
  for (const issue of issues) if (issue.path) fields[issue.path] = issue.message
  const unplaced = issues.filter((i) => !i.path)
  const general = unplaced.length ? unplaced.map((i) => i.message).join('; ') : issues.length ? null : error.message
  return { fields, general }
}
