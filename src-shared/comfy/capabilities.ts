/**
 * What a server can run, derived from its /object_info, and whether a prompt fits it. A prompt fits
 * when every class_type is installed and every literal value of an enum input (models, samplers, input
 * images…) is one of the server's options — the same checks ComfyUI's own validation makes.
 */
import type { ApiPrompt } from '../contract/runs'
import type { ServerCapabilities } from '../contract/servers'
import type { ObjectInfo } from './types'

/** Builds `ServerCapabilities` from a raw /object_info answer. */
export function capabilitiesFromObjectInfo(info: ObjectInfo, now = Date.now()): ServerCapabilities {
  const enums: Record<string, string[]> = {}
  for (const [classType, def] of Object.entries(info)) {
    // A server may serve a malformed class entry; it simply contributes no enums.
    if (typeof def !== 'object' || def === null || typeof def.input !== 'object' || def.input === null) continue
    const sections = [def.input.required ?? {}, def.input.optional ?? {}]
    for (const section of sections) {
      for (const [inputName, spec] of Object.entries(section)) {
        const options = enumOptions(spec)
        if (options !== null) enums[`${classType}.${inputName}`] = options
      }
    }
  }
  return { nodeClasses: Object.keys(info).sort(), enums, fetchedAt: now }
}

/** Old-style combos are `[[...options]]`, V3 ones `["COMBO", {options: [...]}]` (protocol §6). */
export function enumOptions(spec: readonly unknown[] | undefined): string[] | null {
  if (spec === undefined || !Array.isArray(spec)) return null
  const first: unknown = spec[0]
  const second: unknown = spec[1]
  if (Array.isArray(first)) return first.map(String)
  if (first === 'COMBO' && typeof second === 'object' && second !== null) {
    const options = (second as { options?: unknown }).options
    if (Array.isArray(options)) return options.map(String)
  }
  return null
}

/** One reason a server cannot run a prompt, per node. */
export interface CapabilityProblem {
  nodeId: string
  classType: string
  message: string
}

/** Empty when the server can run the prompt. */
export function capabilityProblems(prompt: ApiPrompt, caps: ServerCapabilities): CapabilityProblem[] {
  const { classes, options: optionsOf } = lookup(caps)
  const problems: CapabilityProblem[] = []
  for (const [nodeId, node] of Object.entries(prompt)) {
    if (!classes.has(node.class_type)) {
      problems.push({ nodeId, classType: node.class_type, message: `node type ${node.class_type} is not installed` })
      continue
    }
    for (const [inputName, value] of Object.entries(node.inputs ?? {})) {
      if (typeof value !== 'string') continue
      const options = optionsOf(`${node.class_type}.${inputName}`)
      if (options !== undefined && !options.has(value)) {
        problems.push({ nodeId, classType: node.class_type, message: `${inputName}: '${value}' is not available` })
      }
    }
  }
  return problems
}

/**
 * True when the server can run the prompt, remembered per (prompt, capabilities) pair: the scheduler asks it
 * for every waiting run against every server each time a slot changes hands, and a prompt and a server's
 * capabilities are never changed in place (a refresh brings a new capabilities object).
 */
export function fits(prompt: ApiPrompt, caps: ServerCapabilities): boolean {
  let byCaps = fitsMemo.get(prompt)
  if (byCaps === undefined) fitsMemo.set(prompt, (byCaps = new WeakMap()))
  let fit = byCaps.get(caps)
  if (fit === undefined) byCaps.set(caps, (fit = capabilityProblems(prompt, caps).length === 0))
  return fit
}

const fitsMemo = new WeakMap<ApiPrompt, WeakMap<ServerCapabilities, boolean>>()

interface CapabilityLookup {
  classes: ReadonlySet<string>
  options: (key: string) => ReadonlySet<string> | undefined
}

/**
 * Sets over a server's classes and combo options, built once per capabilities object: placement checks every
 * run against every server, and a real server lists thousands of classes and models.
 */
const lookups = new WeakMap<ServerCapabilities, CapabilityLookup>()

function lookup(caps: ServerCapabilities): CapabilityLookup {
  let found = lookups.get(caps)
  if (found === undefined) {
    const options = new Map<string, ReadonlySet<string>>()
    found = {
      classes: new Set(caps.nodeClasses),
      options: (key) => {
        const list = caps.enums[key]
        if (list === undefined) return undefined
        let set = options.get(key)
        if (set === undefined) options.set(key, (set = new Set(list)))
        return set
      },
    }
    lookups.set(caps, found)
  }
  return found
}

/** Model-like values a prompt uses (enum inputs ending in `_name`, e.g. ckpt_name, lora_name, vae_name). */
export function modelsUsed(prompt: ApiPrompt): string[] {
  const models = new Set<string>()
  for (const node of Object.values(prompt)) {
    for (const [inputName, value] of Object.entries(node.inputs ?? {})) {
      if (
        typeof value === 'string' &&
        /_name$/.test(inputName) &&
        /\.(safetensors|ckpt|pt|pth|bin|gguf)$/i.test(value)
      ) {
        models.add(value)
      }
    }
  }
  return [...models].sort()
}
