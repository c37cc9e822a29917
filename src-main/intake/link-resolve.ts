import { INTAKE_ERRORS } from '../../src-shared/contract/intake'
import type { ExecNode } from './exec-graph'
import { IntakeFailure } from './intake-failure'
import { SUBGRAPH_INPUT_ID, SUBGRAPH_OUTPUT_ID } from './ui-workflow'

/** Where an input's value comes from after reroutes, bypasses, primitives and subgraphs are seen through. */
export type ResolvedInput = { kind: 'link'; id: string; slot: number } | { kind: 'value'; value: unknown }

/** litegraph's LGraphEventMode values that matter here. */
export const MODE_NEVER = 2
export const MODE_BYPASS = 4

/** Node types the frontend never sends (`isVirtualNode`): core ones plus common frontend-only extension nodes. */
export const VIRTUAL_NODE_TYPES = new Set([
  'Reroute',
  'PrimitiveNode',
  'Note',
  'MarkdownNote',
  'Reroute (rgthree)',
  'Label (rgthree)',
  'Bookmark (rgthree)',
  'Fast Groups Bypasser (rgthree)',
  'Fast Groups Muter (rgthree)',
])

/**
 * Mirrors `ExecutableNodeDTO.resolveInput` / `resolveOutput` of ComfyUI_frontend
 * (`src/lib/litegraph/src/subgraph/ExecutableNodeDTO.ts` @ 01b3aeae68093ce6e63d31b362aeea076cb0a90d):
 * follows the link on input `slot` of `exec` to the node that really produces the value.
 * Differences: a PrimitiveNode yields its value (the frontend pushes it into the target widget in
 * `applyToGraph` first, which has the same effect), and a link whose record is missing counts as unconnected.
 */
export class LinkResolver {
  /** Links an input names but the graph does not hold (litegraph drops those too); reported, not fatal. */
  readonly warnings: string[] = []

  constructor(private readonly nodes: Map<string, ExecNode>) {}

  resolveInput(exec: ExecNode, slot: number, visited = new Set<string>(), type?: unknown): ResolvedInput | undefined {
    this.visit(visited, `${exec.key}[I]${slot}`, exec)
    const input = exec.node.inputs[slot]
    if (!input || input.link == null) return undefined
    const link = exec.graph.links.get(input.link)
    if (!link) {
      this.warnings.push(
        `Input "${input.name}" of node ${exec.key} names link ${input.link}, which is not in the workflow; left unconnected.`
      )
      return undefined
    }
    if (exec.instance && link.originId === SUBGRAPH_INPUT_ID)
      return this.resolveFromInstance(exec.instance, link.originSlot, visited)
    const origin = exec.graph.byId.get(link.originId)
    if (!origin) {
      throw new IntakeFailure(
        INTAKE_ERRORS.missingNode,
        `Link ${link.id} into node ${exec.key} (${exec.node.type}) input "${input.name}" comes from node ${link.originId}, which does not exist.`,
        { link: link.id, targetNode: exec.key, missingNode: link.originId }
      )
    }
    const originExec = this.nodes.get([...exec.path, origin.id].join(':'))!
    return this.resolveOutput(originExec, link.originSlot, type ?? input.type, visited)
  }

  resolveOutput(exec: ExecNode, slot: number, type: unknown, visited: Set<string>): ResolvedInput | undefined {
    this.visit(visited, `${exec.key}[O]${slot}`, exec)
    const { node } = exec
    if (node.mode === MODE_BYPASS) {
      const index = bypassSlotIndex(exec, slot, type)
      return index === -1 ? undefined : this.resolveInput(exec, index, visited)
    }
    if (exec.subgraph) return this.resolveSubgraphOutput(exec, slot, type, visited)
    if (node.type === 'PrimitiveNode') return primitiveValue(exec)
    if (VIRTUAL_NODE_TYPES.has(node.type)) {
      return node.inputs[slot] ? this.resolveInput(exec, slot, visited, type) : undefined
    }
    return { kind: 'link', id: exec.key, slot }
  }

  /**
   * A link that leaves a subgraph through its input node: continue on the instance's input of the same name
   * (SubgraphNode rebuilds its inputs from the definition and matches saved ones by name). An input the
   * instance does not list, or lists unconnected without a widget, leaves the inner input unconnected, so the
   * inner widget's own value stands, as in the frontend.
   */
  private resolveFromInstance(instance: ExecNode, defSlot: number, visited: Set<string>): ResolvedInput | undefined {
    const slot = instanceSlot(instance, defSlot)
    const outer = instance.node.inputs[slot]
    if (!outer) return undefined
    if (outer.link != null) return this.resolveInput(instance, slot, visited)
    if (!outer.widget) return undefined
    // A promoted widget: its value sits among the instance's widgets_values, in widget-input order.
    const index = instance.node.inputs.slice(0, slot).filter((i) => i.widget).length
    const values = instance.node.widgetsValues
    return Array.isArray(values) && index < values.length ? { kind: 'value', value: values[index] } : undefined
  }

  private resolveSubgraphOutput(
    exec: ExecNode,
    slot: number,
    type: unknown,
    visited: Set<string>
  ): ResolvedInput | undefined {
    const subgraph = exec.subgraph!
    const inner = [...subgraph.links.values()].find((l) => l.targetId === SUBGRAPH_OUTPUT_ID && l.targetSlot === slot)
    if (!inner) return undefined
    if (inner.originId === SUBGRAPH_INPUT_ID) return this.resolveFromInstance(exec, inner.originSlot, visited)
    const innerExec = this.nodes.get([...exec.path, exec.node.id, inner.originId].join(':'))
    if (!innerExec) {
      throw new IntakeFailure(
        INTAKE_ERRORS.missingNode,
        `Subgraph "${subgraph.name}" output #${slot} comes from node ${inner.originId}, which does not exist.`
      )
    }
    return this.resolveOutput(innerExec, inner.originSlot, type, visited)
  }

  private visit(visited: Set<string>, id: string, exec: ExecNode): void {
    if (visited.has(id)) {
      throw new IntakeFailure(
        INTAKE_ERRORS.cycle,
        `Links loop back on themselves at node ${exec.key} (${exec.node.type}); the graph has a cycle.`,
        { node: exec.key }
      )
    }
    visited.add(id)
  }
}

/** The instance input that stands for definition input `defSlot`: by name, by position when names are unknown. */
function instanceSlot(instance: ExecNode, defSlot: number): number {
  const names = instance.subgraph?.inputNames
  if (!names) return defSlot
  const name = names[defSlot]
  if (name === undefined) {
    throw new IntakeFailure(
      INTAKE_ERRORS.badLink,
      `Subgraph "${instance.subgraph!.name}" has a link from its input #${defSlot}, but it declares only ${names.length} input${names.length === 1 ? '' : 's'}.`,
      { node: instance.key, input: defSlot }
    )
  }
  return instance.node.inputs.findIndex((input) => input.name === name)
}

function primitiveValue(exec: ExecNode): ResolvedInput | undefined {
  const values = exec.node.widgetsValues
  return Array.isArray(values) && values.length > 0 ? { kind: 'value', value: values[0] } : undefined
}

/** `#getBypassSlotIndex` of ExecutableNodeDTO: which input a bypassed node passes through for output `slot`. */
export function bypassSlotIndex(exec: ExecNode, slot: number, type: unknown): number {
  const { inputs, outputs } = exec.node
  const opposite = inputs[slot]
  const outputType = outputs[slot]?.type
  if (type === '*' || type === '') return inputs.length > slot ? slot : 0
  if (opposite && isValidConnection(opposite.type, outputType) && isValidConnection(opposite.type, type)) return slot
  const exact = inputs.findIndex((input) => input.type === type)
  if (exact !== -1) return exact
  return inputs.findIndex((input) => isValidConnection(input.type, outputType) && isValidConnection(input.type, type))
}

/** LiteGraph.isValidConnection: `*`/empty match anything, comparison is case-insensitive, `A,B` lists any-match. */
export function isValidConnection(a: unknown, b: unknown): boolean {
  const norm = (t: unknown): string =>
    typeof t === 'string' ? (t === '*' ? '' : t.toLowerCase()) : typeof t === 'number' && t !== 0 ? String(t) : ''
  const x = norm(a)
  const y = norm(b)
  if (!x || !y || x === y) return true
  if (!x.includes(',') && !y.includes(',')) return false
  const ys = y.split(',')
  return x.split(',').some((t) => ys.includes(t))
}
