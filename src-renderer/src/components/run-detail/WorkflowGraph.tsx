import { Background, Controls, MiniMap, ReactFlow, type Edge } from '@xyflow/react'
import { useMemo } from 'react'
import type { ApiPrompt, NodeState, OutputRef } from '../../../../src-shared/contract'
import { layoutGraph, NODE_H, NODE_W } from '../../lib/graph-layout'
import { nodeWidgets } from '../../lib/node-widgets'
import { useStore } from '../../store'
import { GraphNode, type ComfyFlowNode } from './GraphNode'

const NODE_TYPES = { comfy: GraphNode }
const FIT = { padding: 0.12, maxZoom: 1.25 }
/** Small graphs fit on screen; the overview only helps when they do not. */
const MINIMAP_MIN_NODES = 25

/** Minimap fills (SVG attributes cannot use CSS variables); same hues as the node cards. */
const NODE_COLORS: Record<NodeState, string> = {
  pending: '#3a3f4b',
  cached: '#4d6a8a',
  running: '#e0a526',
  done: '#3fa36b',
  error: '#d9534f',
}

const miniMapColor = (runId: string) => (n: ComfyFlowNode) => {
  const state = useStore.getState().nodeStates[runId]?.[n.id]?.state ?? 'pending'
  return NODE_COLORS[state]
}

/** The run's workflow as a read-only graph; node cards subscribe to their own live state. */
export function WorkflowGraph(props: {
  runId: string
  prompt: ApiPrompt
  workflow: unknown
  titles: Record<string, string>
  outputs: OutputRef[]
}) {
  const { runId, prompt, workflow, titles, outputs } = props
  const { nodes, edges } = useMemo(() => {
    const laid = layoutGraph(prompt, workflow)
    const images = new Map<string, string[]>()
    for (const o of outputs) images.set(o.nodeId, [...(images.get(o.nodeId) ?? []), o.hash])
    const flowNodes: ComfyFlowNode[] = laid.nodes.map((n) => ({
      id: n.id,
      type: 'comfy',
      position: { x: n.x, y: n.y },
      // Known size up front: the minimap and fit-view need it before React Flow has measured the cards.
      initialWidth: NODE_W,
      initialHeight: NODE_H,
      data: {
        runId,
        nodeId: n.id,
        title: titles[n.id] ?? prompt[n.id]?._meta?.title ?? n.classType,
        classType: n.classType,
        widgets: nodeWidgets(prompt[n.id]),
        images: images.get(n.id) ?? [],
      },
    }))
    const flowEdges: Edge[] = laid.edges.map((e) => ({ id: e.id, source: e.source, target: e.target }))
    return { nodes: flowNodes, edges: flowEdges }
  }, [runId, prompt, workflow, titles, outputs])
  return (
    <div className="graph" data-testid="run-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        colorMode="dark"
        fitView
        fitViewOptions={FIT}
        minZoom={0.05}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        nodesFocusable
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
        {nodes.length > MINIMAP_MIN_NODES && (
          <MiniMap pannable zoomable nodeColor={miniMapColor(runId)} ariaLabel="Workflow overview" />
        )}
      </ReactFlow>
    </div>
  )
}
