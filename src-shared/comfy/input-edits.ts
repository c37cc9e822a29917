/**
 * "Set input K of node N to V": the one edit the run sheet, the API and batch grids make to a prompt.
 * Pure and deterministic (batch workflows call {@link gridEditsAt} while replaying), so it imports
 * nothing but types.
 */
import type { ApiPrompt } from '../contract/runs'
import { err, ok, type Result } from '../contract/result'

/** Input `input` of node `nodeId` becomes the literal `value`. */
export interface InputEdit {
  nodeId: string
  input: string
  value: unknown
}

/** One axis of a "vary any input" grid: every value is tried with every value of the other axes. */
export interface InputAxis {
  nodeId: string
  input: string
  values: unknown[]
}

/** `details` of an edit error: which field it was, so a form can show the message beside it. */
export interface InputEditProblem {
  nodeId: string
  input: string
  message: string
}

/** A literal list travels wrapped as `{"__value__": [...]}`: a bare list would be read as a link. */
const literal = (value: unknown): unknown => (Array.isArray(value) ? { __value__: value } : value)

/** True when the input is a link `[nodeId, slot]` to another node's output. */
export const isLink = (value: unknown): boolean =>
  Array.isArray(value) && value.length === 2 && typeof value[1] === 'number'

/** Why an edit cannot apply to `prompt`, or null when it can. */
export function editProblem(prompt: ApiPrompt, edit: InputEdit): string | null {
  const node = prompt[edit.nodeId]
  if (node === undefined) return `there is no node ${JSON.stringify(edit.nodeId)} in the workflow`
  if (edit.input === '') return 'an input name is required'
  // Replacing a link with a literal would silently cut the graph (a shared seed node, a LoRA chain).
  if (isLink(node.inputs[edit.input])) return `input ${edit.input} is connected to another node; edit that node instead`
  return null
}

/** A copy of `prompt` with every edit applied, or an error naming the first field that cannot be set. */
export function applyInputEdits(prompt: ApiPrompt, edits: readonly InputEdit[]): Result<ApiPrompt> {
  for (const edit of edits) {
    const problem = editProblem(prompt, edit)
    if (problem !== null) return editError(edit, problem)
  }
  return ok(applyUnchecked(prompt, edits))
}

/** Applies edits already checked with {@link editProblem} (edits of unknown nodes are skipped). */
export function applyUnchecked(prompt: ApiPrompt, edits: readonly InputEdit[]): ApiPrompt {
  const next = JSON.parse(JSON.stringify(prompt)) as ApiPrompt
  for (const edit of edits) {
    const node = next[edit.nodeId]
    if (node !== undefined) node.inputs[edit.input] = literal(edit.value)
  }
  return next
}

/** The error for one field; its `details` is an {@link InputEditProblem}. */
export function editError(edit: Pick<InputEdit, 'nodeId' | 'input'>, message: string): Result<never> {
  const details: InputEditProblem = { nodeId: edit.nodeId, input: edit.input, message }
  return err('runs/bad-input-edit', `Node ${edit.nodeId} input ${edit.input}: ${message}.`, details)
}

/** How many runs a grid makes: the product of its axes' lengths (0 when an axis is empty). */
export function gridSize(axes: readonly InputAxis[]): number {
  return axes.reduce((n, a) => n * a.values.length, axes.length === 0 ? 0 : 1)
}

/**
 * The edits of grid run `index`. The last axis changes fastest, so submission order reads like the
 * grid row by row: (seed 1, cfg 5), (seed 1, cfg 7), (seed 2, cfg 5), …
 */
export function gridEditsAt(axes: readonly InputAxis[], index: number): InputEdit[] {
  const edits: InputEdit[] = []
  let rest = index
  for (let i = axes.length - 1; i >= 0; i--) {
    const axis = axes[i]!
    const n = axis.values.length
    edits.unshift({ nodeId: axis.nodeId, input: axis.input, value: axis.values[rest % n] })
    rest = Math.floor(rest / n)
  }
  return edits
}
