import { INTAKE_ERRORS } from '../../src-shared/contract/intake'
import { IntakeFailure } from './intake-failure'
import type { SubgraphDef, UiGraph, UiNode, UiWorkflow } from './ui-workflow'

/**
 * A node as it executes: subgraph instances are expanded and every inner node gets the execution id
 * `instancePath:innerId` (e.g. `12:3`), as ComfyUI_frontend's ExecutableNodeDTO does
 * (`src/lib/litegraph/src/subgraph/ExecutableNodeDTO.ts` @ 01b3aeae).
 */
export interface ExecNode {
  key: string
  node: UiNode
  /** The graph level that holds this node (its links are looked up there). */
  graph: UiGraph
  /** Execution ids of the subgraph instances around this node, outermost first. */
  path: string[]
  /** The subgraph instance this node lives in, if any. */
  instance: ExecNode | undefined
  /** Set when this node is itself a subgraph instance. */
  subgraph: SubgraphDef | undefined
}

/** Subgraphs inside subgraphs deeper than this are treated as a definition cycle. */
const MAX_SUBGRAPH_DEPTH = 32

/** Flattens the workflow into execution nodes keyed by execution id, instances before their contents. */
export function buildExecGraph(workflow: UiWorkflow): Map<string, ExecNode> {
  const out = new Map<string, ExecNode>()
  addLevel(workflow, workflow.root, [], undefined, out, [])
  return out
}

function addLevel(
  workflow: UiWorkflow,
  graph: UiGraph,
  path: string[],
  instance: ExecNode | undefined,
  out: Map<string, ExecNode>,
  openDefs: string[]
): void {
  for (const node of graph.nodes) {
    const subgraph = workflow.subgraphs.get(node.type)
    const key = [...path, node.id].join(':')
    const exec: ExecNode = { key, node, graph, path, instance, subgraph }
    out.set(key, exec)
    if (!subgraph) continue
    if (openDefs.includes(subgraph.id) || openDefs.length >= MAX_SUBGRAPH_DEPTH) {
      throw new IntakeFailure(
        INTAKE_ERRORS.cycle,
        `Subgraph "${subgraph.name}" contains itself (through node ${key}); it can never be expanded.`
      )
    }
    addLevel(workflow, subgraph, [...path, node.id], exec, out, [...openDefs, subgraph.id])
  }
}
