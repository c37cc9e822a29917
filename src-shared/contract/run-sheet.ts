/** What the run sheet shows before a run starts: the workflow's editable inputs, typed by /object_info. */
import type { InputEditProblem } from '../comfy/input-edits'

/** How a field is edited; `combo` lists its options (models, samplers, …). */
export type FieldKind = 'int' | 'float' | 'string' | 'boolean' | 'combo'

/** One literal input of one node the user may change before running. */
export interface EditableField {
  nodeId: string
  /** The node's title (`_meta.title`, else the class's display name). */
  nodeTitle: string
  classType: string
  input: string
  kind: FieldKind
  value: unknown
  /** Combo options the target server(s) have (for `combo`). */
  options?: string[]
  min?: number
  max?: number
  step?: number
  /** STRING inputs shown as a text area (prompts). */
  multiline?: boolean
  /** What a ComfyUI user reaches for first (models, prompts, seed, steps, cfg, sampler, size). */
  common: boolean
}

/** `runs:inspect` params: one workflow (a file or pasted text), and the server the user picked (null: any). */
export type { InspectRequest } from './requests'

export interface InspectResult {
  /** The name a run would get. */
  name: string
  fields: EditableField[]
  /** Values the target server(s) would refuse as they are (e.g. a checkpoint it does not have). */
  problems: InputEditProblem[]
}
