import { Handle, Position, type Node, type NodeProps } from '@xyflow/react'
import { memo } from 'react'
import { bridge } from '../../bridge/bridge-context'
import { NodeStateLine } from './NodeStateLine'
import { useNodeDisplay } from './use-node-display'

/** Data carried by each graph node; the live state is read from the store, not from here. */
export type ComfyNodeData = {
  runId: string
  nodeId: string
  title: string
  classType: string
  /** Literal input values, `name: value`, as ComfyUI shows widgets on its nodes. */
  widgets: string[]
  /** Content hashes of the images this node saved (output nodes). */
  images: string[]
}
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
      {data.widgets.length > 0 && (
        <ul className="gnode-widgets" data-testid="graph-node-widgets">
          {data.widgets.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {data.images.length > 0 && (
        <div className="gnode-images">
          {data.images.slice(0, 4).map((hash) => (
            <img
              key={hash}
              src={bridge().imageUrl(hash, 'thumb')}
              alt={`Output of ${data.title}`}
              data-testid="graph-node-image"
            />
          ))}
        </div>
      )}
      <NodeStateLine runId={data.runId} nodeId={data.nodeId} />
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  )
})
