import { err, ok } from '../../src-shared/contract/result'
import type { Result } from '../../src-shared/contract/result'
import type { ApiNode, ApiPrompt } from '../../src-shared/contract/runs'
import { INTAKE_ERRORS } from '../../src-shared/contract/intake'
import type { ObjectInfo } from '../../src-shared/contract/intake'
import { buildExecGraph } from './exec-graph'
import type { ExecNode } from './exec-graph'
import { customWidgetType } from './frontend-widgets'
import { catchFailure } from './intake-failure'
import { LinkResolver, MODE_BYPASS, MODE_NEVER, VIRTUAL_NODE_TYPES } from './link-resolve'
import { mapWidgetValues, wrapListValue } from './widget-values'
import type { UiWorkflow } from './ui-workflow'

export interface ConvertedPrompt {
  prompt: ApiPrompt
  warnings: string[]
}

/** True when the node is sent to the server: not virtual, not muted/bypassed, not a subgraph instance. */
function isExecutable(exec: ExecNode): boolean {
  const { node } = exec
  return !exec.subgraph && !VIRTUAL_NODE_TYPES.has(node.type) && node.mode !== MODE_NEVER && node.mode !== MODE_BYPASS
}

/** The class types a UI workflow would send (after dropping virtual, muted and bypassed nodes). */
export function uiClassTypes(workflow: UiWorkflow): Result<string[]> {
  return catchFailure(() => {
    const types = new Set<string>()
    for (const exec of buildExecGraph(workflow).values()) if (isExecutable(exec)) types.add(exec.node.type)
    return ok([...types])
  }, INTAKE_ERRORS.notWorkflow)
}

/**
 * Converts a UI workflow to an API prompt the way ComfyUI_frontend's `graphToPrompt` does
 * (`src/utils/executionUtil.ts` @ 01c735d94316eb34b031e5436aaae2bb09805edf), with /object_info standing in for
 * the live widgets: widget values by name, then every resolved link `[originId, slot]`, `_meta.title`, inputs that
 * point at dropped nodes removed. Unlike a queue from the browser it then keeps only output nodes and their
 * ancestors, which is what the server would execute anyway.
 */
export function convertUiToApi(workflow: UiWorkflow, objectInfo: ObjectInfo): Result<ConvertedPrompt> {
  return catchFailure(() => {
    const nodes = buildExecGraph(workflow)
    const resolver = new LinkResolver(nodes)
    const prompt: ApiPrompt = {}
    const warnings: string[] = []
    const missing = new Set<string>()
    const promoted = promotedValues(nodes)
    for (const exec of nodes.values()) {
      if (!isExecutable(exec)) continue
      const def = objectInfo[exec.node.type]
      if (!def) {
        missing.add(exec.node.type)
        continue
      }
      const { inputs, defaulted } = mapWidgetValues(def, exec.node.widgetsValues)
      if (defaulted.length > 0) {
        warnings.push(
          `Node ${exec.key} (${exec.node.type}) had no saved value for ${defaulted.join(', ')}; used defaults.`
        )
      }
      for (const [name, value] of promoted.get(exec.key) ?? []) inputs[name] = wrapListValue(value)
      exec.node.inputs.forEach((input, slot) => {
        const resolved = resolver.resolveInput(exec, slot)
        if (!resolved) return
        inputs[input.name] = resolved.kind === 'value' ? wrapListValue(resolved.value) : [resolved.id, resolved.slot]
      })
      const node: ApiNode = {
        inputs,
        class_type: exec.node.type,
        _meta: { title: exec.node.title ?? def.display_name ?? exec.node.type },
      }
      prompt[exec.key] = node
    }
    if (missing.size > 0) {
      const types = [...missing].sort()
      return err(INTAKE_ERRORS.unknownNodeTypes, `The server does not have these node types: ${types.join(', ')}.`, {
        types,
        missingByServer: {},
      })
    }
    dropDanglingLinks(prompt)
    warnings.push(...new Set(resolver.warnings))
    return keepOutputsAndAncestors(prompt, objectInfo, warnings)
  }, INTAKE_ERRORS.notWorkflow)
}

/**
 * Values of widgets promoted onto a subgraph instance through `properties.proxyWidgets`: the instance's
 * widgets_values hold them in proxyWidgets order, and they stand for the inner node's widget of that name.
 * Returns execution id of the inner node → [widget name, value][].
 */
function promotedValues(nodes: Map<string, ExecNode>): Map<string, Array<[string, unknown]>> {
  const out = new Map<string, Array<[string, unknown]>>()
  for (const exec of nodes.values()) {
    const values = exec.node.widgetsValues
    if (!exec.subgraph || !Array.isArray(values)) continue
    exec.node.proxyWidgets.forEach(([innerId, name], index) => {
      const key = `${exec.key}:${innerId}`
      if (index >= values.length || !nodes.has(key)) return
      out.set(key, [...(out.get(key) ?? []), [name, values[index]]])
    })
  }
  return out
}

/**
 * Refuses a node that will run and has an input whose value the browser makes when queueing (frontend-widgets.ts):
 * the saved workflow holds no usable value for it, and sending the placeholder would fail on the server.
 */
function browserOnlyInput(prompt: ApiPrompt, objectInfo: ObjectInfo): Result<never> | null {
  for (const [id, node] of Object.entries(prompt)) {
    const def = objectInfo[node.class_type]
    for (const [input, spec] of Object.entries({ ...def?.input.required, ...def?.input.optional })) {
      const what = customWidgetType(spec)?.browserOnly
      if (what === undefined || Array.isArray(node.inputs[input])) continue
      return err(
        INTAKE_ERRORS.needsFrontend,
        `Node ${id} (${node.class_type}) needs the ComfyUI frontend: its input "${input}" is ${what}, which a saved workflow does not hold. Queue it from ComfyUI, or send an API prompt with "${input}" filled in.`,
        { node: id, classType: node.class_type, input }
      )
    }
  }
  return null
}

/** "Remove inputs connected to removed nodes" — the post-pass of graphToPrompt. */
function dropDanglingLinks(prompt: ApiPrompt): void {
  for (const { inputs } of Object.values(prompt)) {
    for (const [name, value] of Object.entries(inputs)) {
      if (Array.isArray(value) && value.length === 2 && !(String(value[0]) in prompt)) delete inputs[name]
    }
  }
}

function keepOutputsAndAncestors(
  prompt: ApiPrompt,
  objectInfo: ObjectInfo,
  warnings: string[]
): Result<ConvertedPrompt> {
  const outputs = Object.keys(prompt).filter((id) => objectInfo[prompt[id]!.class_type]?.output_node === true)
  if (outputs.length === 0) {
    return err(
      INTAKE_ERRORS.noOutputNode,
      'The workflow has no active output node (such as Save Image or Preview Image), so nothing would run.'
    )
  }
  const kept: ApiPrompt = {}
  const stack = [...outputs]
  while (stack.length > 0) {
    const id = stack.pop()!
    if (id in kept) continue
    const node = prompt[id]
    if (!node) continue
    kept[id] = node
    for (const value of Object.values(node.inputs)) if (Array.isArray(value)) stack.push(String(value[0]))
  }
  const browserOnly = browserOnlyInput(kept, objectInfo)
  if (browserOnly) return browserOnly
  const dropped = Object.keys(prompt).filter((id) => !(id in kept))
  if (dropped.length > 0) warnings.push(`Nodes that feed no output were left out: ${dropped.join(', ')}.`)
  // Keep the original node order: it is the graph's, and it reads better in a saved prompt.
  const ordered: ApiPrompt = {}
  for (const id of Object.keys(prompt)) if (id in kept) ordered[id] = kept[id]!
  return ok({ prompt: ordered, warnings })
}
