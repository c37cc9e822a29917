import { err, ok } from '../../src-shared/contract/result'
import type { Result } from '../../src-shared/contract/result'
import { INTAKE_ERRORS } from '../../src-shared/contract/intake'
import { isRecord } from './json-text'

/** A link of the UI graph, whatever schema it was saved in. */
export interface UiLink {
  id: number
  originId: string
  originSlot: number
  targetId: string
  targetSlot: number
  type: unknown
}

export interface UiInput {
  name: string
  type: unknown
  link: number | null
  widget?: { name: string }
}

export interface UiOutput {
  name: string
  type: unknown
}

export interface UiNode {
  id: string
  type: string
  mode: number
  title: string | undefined
  inputs: UiInput[]
  outputs: UiOutput[]
  widgetsValues: unknown[] | Record<string, unknown> | undefined
  /** `properties.proxyWidgets` of a subgraph instance: [inner node id, widget name] per promoted widget. */
  proxyWidgets: Array<[string, string]>
}

/** One graph level: the root workflow or a subgraph definition. */
export interface UiGraph {
  nodes: UiNode[]
  byId: Map<string, UiNode>
  links: Map<number, UiLink>
}

/** A subgraph definition (`definitions.subgraphs[]`): a graph whose IO nodes are ids -10 (in) and -20 (out). */
export interface SubgraphDef extends UiGraph {
  id: string
  name: string
  /**
   * Names of the definition's inputs (`inputs[].name`) by slot: a link from the input node (-10) names a slot
   * here, and the frontend finds the instance's input by this name, not by position (instances may save fewer
   * inputs, or in another order). Null when the definition lists no inputs (then positions are all there is).
   */
  inputNames: string[] | null
}

export interface UiWorkflow {
  root: UiGraph
  subgraphs: Map<string, SubgraphDef>
}

/** The ids litegraph gives a subgraph's input and output IO nodes. */
export const SUBGRAPH_INPUT_ID = '-10'
export const SUBGRAPH_OUTPUT_ID = '-20'

/** True when a JSON value looks like a UI-format workflow (schema 0.4 or 1): it has a `nodes` array. */
export function looksLikeUiWorkflow(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && Array.isArray(value.nodes)
}

/**
 * Normalises a UI workflow (schema 0.4 with array links `[id, origin, slot, target, slot, type]`, or schema 1
 * with object links; ComfyUI_frontend `src/schemas/comfyWorkflowSchema.ts` @ ed80211a) into one shape, and
 * reads `definitions.subgraphs` when present.
 */
export function readUiWorkflow(raw: Record<string, unknown>): Result<UiWorkflow> {
  const root = readGraph(raw, 'the workflow')
  if (!root.ok) return root
  const groupNodes = legacyGroupNodes(raw, root.value)
  if (groupNodes.length > 0) {
    return err(
      INTAKE_ERRORS.groupNode,
      `The workflow uses legacy group nodes (${groupNodes.join(', ')}), which are not supported; in ComfyUI, convert them to subgraphs or ungroup them, then save again.`,
      { groupNodes }
    )
  }
  const subgraphs = new Map<string, SubgraphDef>()
  const defs = isRecord(raw.definitions) ? raw.definitions.subgraphs : undefined
  if (Array.isArray(defs)) {
    for (const [i, def] of defs.entries()) {
      if (!isRecord(def) || typeof def.id !== 'string') {
        return err(INTAKE_ERRORS.badNode, `Subgraph definition #${i} has no string id.`)
      }
      const name = typeof def.name === 'string' ? def.name : def.id
      const graph = readGraph(def, `subgraph "${name}"`)
      if (!graph.ok) return graph
      subgraphs.set(def.id, { ...graph.value, id: def.id, name, inputNames: readInputNames(def.inputs) })
    }
  }
  return ok({ root: root.value, subgraphs })
}

function readInputNames(inputs: unknown): string[] | null {
  if (!Array.isArray(inputs)) return null
  return inputs.map((input) => (isRecord(input) && typeof input.name === 'string' ? input.name : ''))
}

/** Old frontends' group nodes: type `workflow>Name` (or `workflow/Name`), defined in `extra.groupNodes`. */
function legacyGroupNodes(raw: Record<string, unknown>, root: UiGraph): string[] {
  const defined = isRecord(raw.extra) && isRecord(raw.extra.groupNodes) ? Object.keys(raw.extra.groupNodes) : []
  const types = root.nodes
    .map((n) => n.type)
    .filter((t) => /^workflow[>/]/.test(t) && defined.includes(t.slice('workflow>'.length)))
  return [...new Set(types)]
}

function readGraph(raw: Record<string, unknown>, where: string): Result<UiGraph> {
  if (!Array.isArray(raw.nodes)) return err(INTAKE_ERRORS.notWorkflow, `${capitalise(where)} has no nodes list.`)
  const nodes: UiNode[] = []
  const byId = new Map<string, UiNode>()
  for (const [i, rawNode] of raw.nodes.entries()) {
    const node = readNode(rawNode)
    if (!node) {
      return err(INTAKE_ERRORS.badNode, `Node #${i} of ${where} is not a node (it needs an id and a string type).`, {
        index: i,
      })
    }
    if (byId.has(node.id)) return err(INTAKE_ERRORS.badNode, `Node id ${node.id} appears twice in ${where}.`)
    nodes.push(node)
    byId.set(node.id, node)
  }
  const links = new Map<number, UiLink>()
  for (const rawLink of Array.isArray(raw.links) ? raw.links : []) {
    const link = readLink(rawLink)
    if (link) links.set(link.id, link)
  }
  return ok({ nodes, byId, links })
}

function readNode(raw: unknown): UiNode | null {
  if (!isRecord(raw) || typeof raw.type !== 'string') return null
  if (typeof raw.id !== 'number' && typeof raw.id !== 'string') return null
  const wv = raw.widgets_values
  return {
    id: String(raw.id),
    type: raw.type,
    mode: typeof raw.mode === 'number' ? raw.mode : 0,
    title: typeof raw.title === 'string' ? raw.title : undefined,
    inputs: (Array.isArray(raw.inputs) ? raw.inputs : []).map(readInput),
    outputs: (Array.isArray(raw.outputs) ? raw.outputs : []).map((o) => ({
      name: isRecord(o) && typeof o.name === 'string' ? o.name : '',
      type: isRecord(o) ? o.type : undefined,
    })),
    widgetsValues: Array.isArray(wv) || isRecord(wv) ? wv : undefined,
    proxyWidgets: readProxyWidgets(raw.properties),
  }
}

function readProxyWidgets(properties: unknown): Array<[string, string]> {
  const list = isRecord(properties) ? properties.proxyWidgets : undefined
  if (!Array.isArray(list)) return []
  return list
    .filter((p): p is [unknown, string] => Array.isArray(p) && p.length >= 2 && typeof p[1] === 'string')
    .filter((p) => typeof p[0] === 'string' || typeof p[0] === 'number')
    .map((p) => [String(p[0] as string | number), p[1]])
}

function readInput(raw: unknown): UiInput {
  if (!isRecord(raw)) return { name: '', type: undefined, link: null }
  const widget = isRecord(raw.widget) && typeof raw.widget.name === 'string' ? { name: raw.widget.name } : undefined
  return {
    name: typeof raw.name === 'string' ? raw.name : '',
    type: raw.type,
    link: typeof raw.link === 'number' ? raw.link : null,
    ...(widget ? { widget } : {}),
  }
}

function readLink(raw: unknown): UiLink | null {
  if (Array.isArray(raw) && raw.length >= 5) {
    const [id, originId, originSlot, targetId, targetSlot, type] = raw as unknown[]
    return makeLink(id, originId, originSlot, targetId, targetSlot, type)
  }
  if (isRecord(raw)) {
    return makeLink(raw.id, raw.origin_id, raw.origin_slot, raw.target_id, raw.target_slot, raw.type)
  }
  return null
}

function makeLink(
  id: unknown,
  originId: unknown,
  originSlot: unknown,
  targetId: unknown,
  targetSlot: unknown,
  type: unknown
): UiLink | null {
  if (typeof id !== 'number' || !isId(originId) || !isId(targetId)) return null
  if (typeof originSlot !== 'number' || typeof targetSlot !== 'number') return null
  return { id, originId: String(originId), originSlot, targetId: String(targetId), targetSlot, type }
}

function isId(value: unknown): value is number | string {
  return typeof value === 'number' || typeof value === 'string'
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
