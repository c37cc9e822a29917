/**
 * The run sheet's edits and "vary any input" grids, checked before anything is queued: every field a
 * user set or varied must exist, be a literal input, and hold values the target servers accept. Errors
 * carry the field (`details.nodeId`/`input`) so the form can show them beside it.
 */
import {
  applyInputEdits,
  editError,
  editProblem,
  gridSize,
  type InputAxis,
  type InputEdit,
} from '../../src-shared/comfy/input-edits'
import type { SubmitRequest } from '../../src-shared/contract/bridge'
import { ok, type Result } from '../../src-shared/contract/result'
import type { ApiPrompt } from '../../src-shared/contract/runs'
import type { BatchSweep } from '../../src-worker/shared'

/** Checks one (edited) prompt against the target servers; the intake's invalid-inputs error names fields. */
export type ValueCheck = (prompt: ApiPrompt) => Result<unknown>

/** How many values of one axis are checked one by one; past this only the extremes of numbers are. */
const CHECK_EACH_UP_TO = 64

/** The shape of `edits`/`vary` (they come from JSON: the HTTP API and the CLI as well as the UI). */
export function readEdits(req: SubmitRequest): Result<{ edits: InputEdit[]; axes: InputAxis[] }> {
  const edits = req.edits ?? []
  const axes = req.vary ?? []
  if (!Array.isArray(edits) || !edits.every(isFieldRef))
    return editError({ nodeId: '?', input: '?' }, 'each edit needs a nodeId, an input and a value')
  if (!Array.isArray(axes) || !axes.every((a) => isFieldRef(a) && Array.isArray(a.values)))
    return editError({ nodeId: '?', input: '?' }, 'each varied input needs a nodeId, an input and a list of values')
  for (const a of axes) if (a.values.length === 0) return editError(a, 'a varied input needs at least one value')
  return ok({ edits, axes })
}

function isFieldRef(v: unknown): v is InputEdit {
  if (typeof v !== 'object' || v === null) return false
  const r = v as Record<string, unknown>
  return typeof r.nodeId === 'string' && typeof r.input === 'string'
}

/** The edited prompt, checked by `check` (so a value the servers refuse is refused here, by field). */
export function editedPrompt(prompt: ApiPrompt, edits: readonly InputEdit[], check: ValueCheck): Result<ApiPrompt> {
  const next = applyInputEdits(prompt, edits)
  if (!next.ok) return next
  const checked = check(next.value)
  return checked.ok ? next : checked
}

/** A grid sweep over `axes` (null when there are none); every value is checked against the servers. */
export function gridSweep(
  prompt: ApiPrompt,
  axes: readonly InputAxis[],
  check: ValueCheck,
  maxRuns: number
): Result<BatchSweep | null> {
  if (axes.length === 0) return ok(null)
  for (const axis of axes) {
    const problem = editProblem(prompt, { ...axis, value: null })
    if (problem !== null) return editError(axis, problem)
  }
  const size = gridSize(axes)
  if (size > maxRuns) return editError(axes[0]!, `the grid makes ${size} runs; a batch may have at most ${maxRuns}`)
  for (const axis of axes) {
    for (const value of valuesToCheck(axis.values)) {
      const checked = editedPrompt(prompt, [{ nodeId: axis.nodeId, input: axis.input, value }], check)
      if (!checked.ok) return checked
    }
  }
  return ok({ kind: 'grid', axes: axes.map((a) => ({ nodeId: a.nodeId, input: a.input, values: a.values })) })
}

/** All values of a short axis; of a long one (a seed range), the non-numbers and the numeric extremes. */
function valuesToCheck(values: readonly unknown[]): unknown[] {
  if (values.length <= CHECK_EACH_UP_TO) return [...new Set(values)]
  const numbers = values.filter((v): v is number => typeof v === 'number')
  const others = [...new Set(values.filter((v) => typeof v !== 'number'))]
  // reduce, not Math.min(...numbers): a 100,000-value seed range would overflow the argument list.
  const extremes =
    numbers.length > 0 ? [numbers.reduce((a, b) => Math.min(a, b)), numbers.reduce((a, b) => Math.max(a, b))] : []
  return [...others, ...extremes]
}
