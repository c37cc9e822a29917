import { err, ok } from '../../src-shared/contract/result'
import type { Result } from '../../src-shared/contract/result'
import type { ApiPrompt } from '../../src-shared/contract/runs'
import { INTAKE_ERRORS } from '../../src-shared/contract/intake'
import type { IntakeOptions, ObjectInfo, UnknownNodeTypesDetails } from '../../src-shared/contract/intake'
import { isRecord } from './json-text'

/** True when a JSON value looks like an API prompt: a non-empty object whose values all carry a class_type. */
export function looksLikeApiPrompt(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false
  const nodes = Object.values(value)
  return nodes.length > 0 && nodes.every((n) => isRecord(n) && 'class_type' in n)
}

/**
 * Checks an API prompt's shape the way ComfyUI's `validate_prompt` would fail on it (`execution.py`), but
 * before anything is queued: every node has a class_type and inputs, every link is `[nodeId, outputIndex]`
 * pointing at a node that exists, and the links form no cycle. Numeric link ids (`[4, 0]`) are turned into
 * strings, since the server would not treat them as links.
 */
export function checkApiPrompt(value: unknown): Result<{ prompt: ApiPrompt; warnings: string[] }> {
  if (!isRecord(value)) return err(INTAKE_ERRORS.notWorkflow, 'The prompt is not an object of nodes.')
  if (Object.keys(value).length === 0) return err(INTAKE_ERRORS.emptyWorkflow, 'The workflow has no nodes.')
  const prompt: ApiPrompt = {}
  const warnings: string[] = []
  for (const [id, node] of Object.entries(value)) {
    if (!isRecord(node) || typeof node.class_type !== 'string' || node.class_type === '') {
      return err(INTAKE_ERRORS.badNode, `Node ${quote(id)} has no class_type.`, { node: id })
    }
    if (!isRecord(node.inputs)) {
      return err(INTAKE_ERRORS.badNode, `Node ${quote(id)} (${node.class_type}) has no inputs object.`, { node: id })
    }
    const inputs: Record<string, unknown> = { ...node.inputs }
    for (const [name, input] of Object.entries(inputs)) {
      if (!Array.isArray(input)) continue
      const bad = badLink(input)
      if (bad)
        return err(INTAKE_ERRORS.badLink, `Input "${name}" of node ${quote(id)} ${bad}.`, { node: id, input: name })
      if (typeof input[0] === 'number') {
        inputs[name] = [String(input[0]), input[1]]
        warnings.push(`Link ${JSON.stringify(input)} on node ${id} used a numeric node id; sent as a string.`)
      }
    }
    const meta =
      isRecord(node._meta) && typeof node._meta.title === 'string' ? { _meta: { title: node._meta.title } } : {}
    prompt[id] = { class_type: node.class_type, inputs, ...meta }
  }
  const missing = findMissingTarget(prompt)
  if (missing) return missing
  const cycle = findCycle(prompt)
  if (cycle) {
    return err(INTAKE_ERRORS.cycle, `The workflow has a cycle: ${cycle.join(' → ')}. ComfyUI cannot run it.`, { cycle })
  }
  return ok({ prompt, warnings })
}

function badLink(input: unknown[]): string | null {
  if (input.length !== 2) {
    return `is a list of ${input.length} items; a link is [nodeId, outputIndex] and a literal list must be wrapped as {"__value__": [...]}`
  }
  const [from, slot] = input
  if (typeof from !== 'string' && typeof from !== 'number') return 'is a link whose node id is not a string'
  if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 0)
    return 'is a link whose output index is not a whole number'
  return null
}

function findMissingTarget(prompt: ApiPrompt): Result<never> | null {
  for (const [id, node] of Object.entries(prompt)) {
    for (const [name, input] of Object.entries(node.inputs)) {
      if (Array.isArray(input) && !(String(input[0]) in prompt)) {
        return err(
          INTAKE_ERRORS.missingNode,
          `Input "${name}" of node ${quote(id)} (${node.class_type}) links to node ${quote(String(input[0]))}, which is not in the workflow.`,
          { node: id, input: name, missingNode: String(input[0]) }
        )
      }
    }
  }
  return null
}

/** Iterative three-colour DFS over links; returns one cycle as node ids, or null. */
function findCycle(prompt: ApiPrompt): string[] | null {
  const state = new Map<string, 1 | 2>()
  const parents = (id: string): string[] =>
    Object.values(prompt[id]?.inputs ?? {})
      .filter((v): v is unknown[] => Array.isArray(v))
      .map((v) => String(v[0]))
  for (const start of Object.keys(prompt)) {
    if (state.has(start)) continue
    const stack: Array<{ id: string; next: string[] }> = [{ id: start, next: parents(start) }]
    state.set(start, 1)
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      const child = top.next.pop()
      if (child === undefined) {
        state.set(top.id, 2)
        stack.pop()
        continue
      }
      if (state.get(child) === 1) {
        const from = stack.findIndex((f) => f.id === child)
        return [...stack.slice(from).map((f) => f.id), child]
      }
      if (!state.has(child)) {
        state.set(child, 1)
        stack.push({ id: child, next: parents(child) })
      }
    }
  }
  return null
}

/**
 * Checks that some server can run every one of `types` (a prompt's class_types). With `objectInfoByServer`,
 * at least one of those servers must have them all (the error lists what each one lacks) and `objectInfo` is
 * not consulted — so a caller may pass its preferred server there for conversion without narrowing routing.
 * With `objectInfo` alone, that server must have them all. Returns the capable server ids (null without
 * per-server info). To require one particular server, pass only that one.
 */
export function checkNodeTypes(types: readonly string[], options: IntakeOptions): Result<string[] | null> {
  const perServer = Object.keys(options.objectInfoByServer ?? {}).length > 0
  const servers: Record<string, ObjectInfo> = perServer
    ? { ...options.objectInfoByServer }
    : options.objectInfo
      ? { target: options.objectInfo }
      : {}
  if (Object.keys(servers).length === 0) return ok(null)
  const missingByServer: Record<string, string[]> = {}
  const capable: string[] = []
  for (const [server, info] of Object.entries(servers)) {
    const lacks = types.filter((t) => !(t in info)).sort()
    if (lacks.length === 0) capable.push(server)
    else missingByServer[server] = lacks
  }
  if (capable.length === 0) return unknownTypes(missingByServer, options.serverNames ?? {})
  return ok(perServer ? capable : null)
}

/** `details` keep server ids (they are what the API takes); the message uses the names the user gave them. */
function unknownTypes(missingByServer: Record<string, string[]>, names: Record<string, string>): Result<never> {
  const types = [...new Set(Object.values(missingByServer).flat())].sort()
  const perServer = Object.entries(missingByServer)
    .map(([server, lacks]) => `${names[server] ?? server} lacks ${lacks.join(', ')}`)
    .join('; ')
  const details: UnknownNodeTypesDetails = { types, missingByServer }
  return err(
    INTAKE_ERRORS.unknownNodeTypes,
    `No server can run this workflow: unknown node types ${types.join(', ')} (${perServer}).`,
    details
  )
}

function quote(id: string): string {
  return JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}…` : id)
}

/** The distinct class types of an API prompt. */
export function promptClassTypes(prompt: ApiPrompt): string[] {
  return [...new Set(Object.values(prompt).map((n) => n.class_type))]
}
