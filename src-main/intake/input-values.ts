/**
 * Checks a prompt's inputs against a server's /object_info the way ComfyUI's `validate_inputs`
 * (`execution.py`) does, so a run ComfyUI would refuse is refused here, before anything is queued:
 * required inputs present, links pointing at an output that exists and has a compatible type, INT/FLOAT
 * values that convert and sit within min/max, and combo values (models, samplers, …) among the options.
 * Like ComfyUI, STRING and BOOLEAN accept anything, and inputs the node does not declare are ignored.
 */
import { INTAKE_ERRORS, type ObjectInfo } from '../../src-shared/contract/intake'
import { err, ok, type Result } from '../../src-shared/contract/result'
import type { ApiPrompt } from '../../src-shared/contract/runs'
import { enumOptions } from '../../src-shared/comfy/capabilities'
import { isRecord } from './json-text'

export interface InputProblem {
  nodeId: string
  classType: string
  input: string
  message: string
}

/** `details` of `intake/invalid-inputs`: the problems on the server that had the fewest. */
export interface InvalidInputsDetails {
  server: string
  problems: InputProblem[]
}

/**
 * Every input problem of `prompt` on one server (empty: ComfyUI there would accept it). Like `validate_prompt`,
 * only output nodes and the nodes they draw from are checked: a node that feeds no output never runs, so
 * ComfyUI neither validates nor executes it, and refusing the run for it would refuse what ComfyUI runs.
 */
export function inputProblems(prompt: ApiPrompt, info: ObjectInfo): InputProblem[] {
  const problems: InputProblem[] = []
  const checked = outputsAndAncestors(prompt, info)
  for (const [nodeId, node] of Object.entries(prompt)) {
    if (!checked.has(nodeId)) continue
    const def = info[node.class_type]
    if (def === undefined) continue // unknown node types are reported by checkNodeTypes
    for (const [required, section] of [
      [true, def.input.required],
      [false, def.input.optional],
    ] as const) {
      for (const [input, spec] of Object.entries(section ?? {})) {
        const message = checkInput(prompt, info, node.inputs[input], spec, required)
        if (message !== null) problems.push({ nodeId, classType: node.class_type, input, message })
      }
    }
  }
  return problems
}

/**
 * The ids of the prompt's output nodes on this server (`output_node` in /object_info) and of every node they
 * reach through links. Without any output node ComfyUI refuses the prompt as a whole, so every node is
 * checked then: the problems shown are still the ones worth fixing.
 */
function outputsAndAncestors(prompt: ApiPrompt, info: ObjectInfo): Set<string> {
  const outputs = Object.keys(prompt).filter((id) => info[prompt[id]!.class_type]?.output_node === true)
  if (outputs.length === 0) return new Set(Object.keys(prompt))
  const seen = new Set<string>()
  const stack = [...outputs]
  while (stack.length > 0) {
    const id = stack.pop()!
    if (seen.has(id) || prompt[id] === undefined) continue
    seen.add(id)
    for (const value of Object.values(prompt[id].inputs)) if (Array.isArray(value)) stack.push(String(value[0]))
  }
  return seen
}

/**
 * Keeps the servers whose /object_info accepts every input. When none does, the error names the
 * problems on the server closest to accepting it (`names` turns server ids into what the user calls them).
 */
export function checkInputValues(
  prompt: ApiPrompt,
  infoByServer: Record<string, ObjectInfo>,
  names: Record<string, string> = {}
): Result<string[]> {
  let best: InvalidInputsDetails | null = null
  const accepting: string[] = []
  // Servers of one install share one /object_info object (object-info-cache.ts): each is checked once.
  const problemsOf = new Map<ObjectInfo, InputProblem[]>()
  for (const [server, info] of Object.entries(infoByServer)) {
    const problems = problemsOf.get(info) ?? inputProblems(prompt, info)
    problemsOf.set(info, problems)
    if (problems.length === 0) accepting.push(server)
    else if (best === null || problems.length < best.problems.length) best = { server, problems }
  }
  if (accepting.length > 0 || best === null) return ok(accepting)
  const shown = best.problems.slice(0, 8).map((p) => `node ${p.nodeId} (${p.classType}) ${p.input}: ${p.message}`)
  const more = best.problems.length > shown.length ? `; and ${best.problems.length - shown.length} more` : ''
  const server = names[best.server] ?? best.server
  const where = Object.keys(infoByServer).length > 1 ? `No server accepts (closest: ${server})` : `${server} rejects`
  const details: InvalidInputsDetails = best
  return err(INTAKE_ERRORS.invalidInputs, `${where} this workflow's inputs: ${shown.join('; ')}${more}.`, details)
}

function checkInput(
  prompt: ApiPrompt,
  info: ObjectInfo,
  value: unknown,
  spec: readonly unknown[],
  required: boolean
): string | null {
  if (value === undefined) return required ? 'required input is missing' : null
  const [type, options] = spec
  if (Array.isArray(value)) return checkLink(prompt, info, value, type)
  const combo = enumOptions(spec)
  if (combo !== null) return checkCombo(value, combo, isRecord(options) && options.multiselect === true)
  const limits = isRecord(options) ? options : {}
  if (type === 'INT') return checkNumber(value, 'INT', limits)
  if (type === 'FLOAT') return checkNumber(value, 'FLOAT', limits)
  return null
}

function checkLink(prompt: ApiPrompt, info: ObjectInfo, link: unknown[], inputType: unknown): string | null {
  const [from, slot] = link
  const source = prompt[String(from)]
  if (source === undefined || typeof slot !== 'number') return null // shape errors are reported by checkApiPrompt
  const outputs = info[source.class_type]?.output
  if (outputs === undefined) return null
  if (slot >= outputs.length) {
    return `links to output ${slot} of node ${String(from)} (${source.class_type}), which has ${outputs.length} output${outputs.length === 1 ? '' : 's'}`
  }
  const received = outputs[slot]
  if (typesMatch(received, inputType)) return null
  return `expects ${describeType(inputType)} but node ${String(from)} (${source.class_type}) output ${slot} is ${describeType(received)}`
}

/** ComfyUI's `validate_node_input`: equal, a `*` wildcard, or overlapping comma-separated unions. */
function typesMatch(received: unknown, expected: unknown): boolean {
  if (typeof received !== 'string' || typeof expected !== 'string') return true // combo outputs and odd specs
  if (received === expected) return true
  const a = new Set(received.split(',').map((t) => t.trim()))
  const b = new Set(expected.split(',').map((t) => t.trim()))
  if (a.has('*') || b.has('*')) return true
  // A combo input fed by a primitive's combo output.
  if (expected === 'COMBO' || received === 'COMBO') return true
  return [...a].some((t) => b.has(t))
}

function describeType(type: unknown): string {
  return typeof type === 'string' ? type : 'a list'
}

function checkCombo(value: unknown, options: string[], multiselect: boolean): string | null {
  // A literal list travels wrapped as {"__value__": [...]} (a bare list would be a link).
  const wrapped = isRecord(value) && Array.isArray(value.__value__) ? (value.__value__ as unknown[]) : null
  if (isRecord(value) && (wrapped === null || !multiselect)) return null // not a plain option: ComfyUI decides
  const values = wrapped ?? [value]
  const missing = values.filter((v) => !options.includes(String(v)))
  if (missing.length === 0) return null
  const shown = options.slice(0, 5).map((o) => `'${o}'`)
  const list =
    options.length === 0
      ? 'none are available'
      : `${options.length} available: ${shown.join(', ')}${options.length > 5 ? ', …' : ''}`
  return `${missing.map((v) => `'${String(v)}'`).join(', ')} is not one of the options (${list})`
}

/** Python's int()/float() on the value, then ComfyUI's min/max checks. */
function checkNumber(value: unknown, type: 'INT' | 'FLOAT', limits: Record<string, unknown>): string | null {
  const n = toNumber(value, type)
  if (n === null) return `${JSON.stringify(value)} is not ${type === 'INT' ? 'a whole number' : 'a number'}`
  if (typeof limits.min === 'number' && n < limits.min) return `${n} is smaller than the minimum ${limits.min}`
  if (typeof limits.max === 'number' && n > limits.max) return `${n} is bigger than the maximum ${limits.max}`
  return null
}

function toNumber(value: unknown, type: 'INT' | 'FLOAT'): number | null {
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'number') return Number.isNaN(value) && type === 'INT' ? null : value
  if (typeof value !== 'string') return null
  const text = value.trim().replace(/_/g, '')
  if (type === 'INT') return /^[+-]?\d+$/.test(text) ? Number(text) : null
  if (/^[+-]?(inf|infinity|nan)$/i.test(text)) return Number(text.replace(/inf(inity)?/i, 'Infinity'))
  return text !== '' && Number.isFinite(Number(text)) ? Number(text) : null
}
