/**
 * The node catalog is data: each node class is described once here and turned into ComfyUI's
 * /object_info shape by {@link ../catalog/object-info.ts}. Model-name combos refer to a model folder
 * so every simulated server can list different models (capability routing tests rely on that).
 */

/** Option dict of an input, exactly as ComfyUI serialises it (default, min, max, step, tooltip, ...). */
export type InputOptions = Record<string, string | number | boolean | bigint | null>

/** A combo whose options come from a model folder of the server (e.g. 'checkpoints'). */
export interface ModelCombo {
  folder: string
}

/** A combo whose options are the files in the server's input directory (LoadImage). */
export interface InputFilesCombo {
  inputFiles: true
}

/** One input: a type name ('INT', 'IMAGE', ...) or a combo list, plus optional options. */
export interface InputDef {
  type: string | readonly string[] | ModelCombo | InputFilesCombo
  options?: InputOptions
}

/** How the simulator spends time on this node and what it produces. */
export type NodeBehaviour =
  | { kind: 'plain' }
  | { kind: 'loader'; modelInputs: readonly string[] }
  | { kind: 'sampler'; stepsInput: string; startInput?: string; endInput?: string }
  | { kind: 'save'; folder: 'output' | 'temp' }

/** A node class as the simulator knows it. */
export interface NodeDef {
  name: string
  displayName?: string
  description?: string
  category: string
  pythonModule?: string
  required?: Record<string, InputDef>
  optional?: Record<string, InputDef>
  hidden?: Record<string, string>
  output: readonly string[]
  outputName?: readonly string[]
  outputIsList?: readonly boolean[]
  outputNode?: boolean
  outputTooltips?: readonly string[]
  deprecated?: boolean
  experimental?: boolean
  /** Simulator-only: timing/behaviour class (defaults to plain). */
  behaviour?: NodeBehaviour
  /** Simulator-only: the node has VALIDATE_INPUTS taking these inputs (they skip min/max/combo checks). */
  validateInputs?: readonly string[]
  /** Simulator-only: the node defines IS_CHANGED (its result becomes part of the cache key). */
  isChanged?: boolean
}

/** Model folder name → file names available on one server. */
export type ModelLists = Record<string, string[]>
