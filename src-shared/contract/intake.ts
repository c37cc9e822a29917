import type { ApiPrompt } from './runs'

/**
 * One input spec of /object_info: `[type, options?]`, where `type` is a type name (`"INT"`, `"MODEL"`,
 * `"COMBO"`) or, for old-style combos, the option list itself.
 */
export type ObjectInfoInputSpec = readonly unknown[]

/** One node class of a server's /object_info (ComfyUI `server.py` node_info). */
export interface ObjectInfoNode {
  input: {
    required?: Record<string, ObjectInfoInputSpec>
    optional?: Record<string, ObjectInfoInputSpec>
    hidden?: Record<string, unknown>
  }
  input_order?: { required?: string[]; optional?: string[]; hidden?: string[] }
  output: readonly unknown[]
  output_is_list?: boolean[]
  output_name?: string[]
  name: string
  display_name?: string
  description?: string
  python_module?: string
  category?: string
  output_node?: boolean
  [extra: string]: unknown
}

/** A server's whole /object_info: class name → definition. */
export type ObjectInfo = Record<string, ObjectInfoNode>

/** What the user handed us. `api`/`ui` are JSON files (bare or in a `{"prompt": …}` envelope). */
export type IntakeKind = 'api' | 'ui' | 'png' | 'webp'

/** Hard cap on an intake file; checked before any parsing. */
export const INTAKE_MAX_BYTES = 50 * 1024 * 1024

/** Stable error codes of the intake (`AppError.code`). */
export const INTAKE_ERRORS = {
  tooLarge: 'intake/too-large',
  emptyFile: 'intake/empty-file',
  notJson: 'intake/not-json',
  tooDeep: 'intake/too-deep',
  notWorkflow: 'intake/not-a-workflow',
  emptyWorkflow: 'intake/empty-workflow',
  pngNoMetadata: 'intake/png-no-metadata',
  corruptPng: 'intake/corrupt-png',
  webpNoMetadata: 'intake/webp-no-metadata',
  corruptWebp: 'intake/corrupt-webp',
  needsObjectInfo: 'intake/needs-object-info',
  unknownNodeTypes: 'intake/unknown-node-types',
  missingNode: 'intake/missing-node',
  badLink: 'intake/bad-link',
  badNode: 'intake/bad-node',
  cycle: 'intake/cycle',
  noOutputNode: 'intake/no-output-node',
  groupNode: 'intake/group-node',
  noSeedInput: 'intake/no-seed-input',
  noSuchInput: 'intake/no-such-input',
  invalidInputs: 'intake/invalid-inputs',
  /** A UI workflow input only the ComfyUI frontend can fill (a 3D-viewer or webcam capture made at queue time). */
  needsFrontend: 'intake/needs-frontend',
} as const

export type IntakeErrorCode = (typeof INTAKE_ERRORS)[keyof typeof INTAKE_ERRORS]

/** `details` of `intake/unknown-node-types`. */
export interface UnknownNodeTypesDetails {
  /** Every class_type that at least one checked server lacks. */
  types: string[]
  /** Per server id: the class types it does not have. */
  missingByServer: Record<string, string[]>
}

/** What a run is about, for the cache, search and history. */
export interface RunMetadata {
  /** Text of the prompts feeding samplers' `positive` inputs (joined with a blank line), or null. */
  positivePrompt: string | null
  negativePrompt: string | null
  /** Literal seed / noise_seed values, in node order. */
  seeds: number[]
  /** Model file names (checkpoints, UNETs, LoRAs, VAEs, CLIPs, ControlNets, upscalers …), unique. */
  models: string[]
  /** A human name: the file name without extension, or null when there is none. */
  workflowName: string | null
}

/** The outcome of turning a user's file into a runnable prompt. */
export interface IntakeResult {
  kind: IntakeKind
  /** Where the prompt came from: embedded/sent API prompt, or a UI workflow converted here. */
  source: 'prompt' | 'workflow'
  prompt: ApiPrompt
  /** The UI workflow when there is one (becomes `extra_pnginfo.workflow`), else null. */
  workflow: unknown
  meta: RunMetadata
  /** Servers (ids from `objectInfoByServer`) that have every node class of the prompt; null if none were given. */
  capableServers: string[] | null
  /** Things a user might want to know that did not stop the intake (e.g. padded widget values). */
  warnings: string[]
}

/** A file to take in: raw bytes plus the name the user gave it. */
export interface IntakeFile {
  name: string
  bytes: Uint8Array
}

export interface IntakeOptions {
  /**
   * /object_info of the preferred server: converts UI workflows (when it knows every node) and, when
   * `objectInfoByServer` is absent or empty, is the one server the node-type check runs against.
   */
  objectInfo: ObjectInfo | null
  /**
   * /object_info per server id. When given, a prompt is accepted if at least one of these servers has every
   * node class (`IntakeResult.capableServers` lists them); otherwise the error lists what each one lacks.
   * To require one particular server, pass only that server here.
   */
  objectInfoByServer?: Record<string, ObjectInfo>
  /** What the user calls each server (id → name): messages name servers by it; an id without a name is shown as is. */
  serverNames?: Record<string, string>
}
