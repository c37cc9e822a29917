import { memo, useMemo } from 'react'
import type { ApiPrompt } from '../../../../src-shared/contract'
import { layeredLayout } from '../../lib/graph-layout'
import { NodeStateLine } from './NodeStateLine'
import { useNodeDisplay } from './use-node-display'

const NodeListRow = memo(function NodeListRow(props: {
  runId: string
  nodeId: string
  title: string
  classType: string
}) {
  const state = useNodeDisplay(props.runId, props.nodeId)
  return (
    <tr data-testid="node-row" data-node-id={props.nodeId} data-state={state} className={`ns-${state}`}>
      <td className="mono">#{props.nodeId}</td>
      <td>{props.title}</td>
      <td className="muted">{props.classType}</td>
      <td>
        <NodeStateLine runId={props.runId} nodeId={props.nodeId} />
      </td>
    </tr>
  )
})

/** The nodes as a table in execution-layer order: readable for graphs too big to see at once. */
export function NodeList({
  runId,
  prompt,
  titles,
}: {
  runId: string
  prompt: ApiPrompt
  titles: Record<string, string>
}) {
  const ordered = useMemo(() => layeredLayout(prompt).sort((a, b) => a.x - b.x || a.y - b.y), [prompt])
  return (
    <div className="node-list-wrap">
      <table className="node-list" data-testid="node-list">
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Title</th>
            <th scope="col">Class</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((n) => (
            <NodeListRow
              key={n.id}
              runId={runId}
              nodeId={n.id}
              title={titles[n.id] ?? n.classType}
              classType={n.classType}
            />
          ))}
        </tbody>
      </table>
    </div>
  )
}
