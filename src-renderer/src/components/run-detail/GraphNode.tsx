import { Handle, Position, type Node, type NodeProps } from '@xyflow/react'
import { memo } from 'react'
import { NodeStateLine } from './NodeStateLine'
import { useNodeDisplay } from './use-node-display'

/** Data carried by each graph node; the live state is read from the store, not from here. */
export type ComfyNodeData = { runId: string; nodeId: string; title: string; classType: string }
export type ComfyFlowNode = Node<ComfyNodeData, 'comfy'>

/** A workflow node card; subscribes to exactly its own status so a tick re-renders one node. */
export const GraphNode = memo(function GraphNode({ data }: NodeProps<ComfyFlowNode>) {
  const state = useNodeDisplay(data.runId, data.nodeId)
  return (
    <div
      className={`gnode ns-${state}`}
      data-testid="graph-node"
      data-node-id={data.nodeId}
      data-state={state}
      aria-label={`${data.title}: ${state}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="gnode-head">
        <span className="gnode-id">#{data.nodeId}</span>
        <span className="gnode-title">{data.title}</span>
      </div>
      {data.title !== data.classType && <div className="gnode-class">{data.classType}</div>}
      <NodeStateLine runId={data.runId} nodeId={data.nodeId} />
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  )
})
