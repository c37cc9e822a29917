import dagre from '@dagrejs/dagre'
import type { ApiPrompt } from '../../../src-shared/contract'

/** One positioned node of the run graph. */
export interface LaidOutNode {
  id: string
  classType: string
  x: number
  y: number
}

/** A link from an output (source) to the node consuming it (target). */
export interface GraphEdge {
  id: string
  source: string
  target: string
}

/** Column and row pitch of the fallback layered layout, sized for our node cards. */
export const COL_W = 280
export const ROW_H = 110

/** `[nodeId, slot]` is how API-format prompts express a link. */
function linkSource(value: unknown, prompt: ApiPrompt): string | null {
  if (!Array.isArray(value) || value.length !== 2) return null
  const [id, slot] = value as unknown[]
  const key = typeof id === 'number' ? String(id) : id
  return typeof key === 'string' && typeof slot === 'number' && key in prompt ? key : null
}

/** Every link of an API prompt, one edge per linked input. */
export function promptEdges(prompt: ApiPrompt): GraphEdge[] {
  const edges: GraphEdge[] = []
  for (const [target, node] of Object.entries(prompt)) {
    for (const [input, value] of Object.entries(node.inputs ?? {})) {
      const source = linkSource(value, prompt)
      if (source) edges.push({ id: `${source}->${target}:${input}`, source, target })
    }
  }
  return edges
}

/** Numeric ids sort numerically, others after them as strings. */
const byId = (a: string, b: string): number => {
  const na = Number(a)
  const nb = Number(b)
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb
  return a.localeCompare(b)
}

/** Layer = longest path from a source node; cycles (invalid prompts) are cut rather than looping. */
export function layeredLayout(prompt: ApiPrompt): LaidOutNode[] {
  const inputs = new Map<string, string[]>()
  for (const e of promptEdges(prompt)) inputs.set(e.target, [...(inputs.get(e.target) ?? []), e.source])
  const depth = new Map<string, number>()
  const visiting = new Set<string>()
  const depthOf = (id: string): number => {
    const known = depth.get(id)
    if (known !== undefined) return known
    if (visiting.has(id)) return 0
    visiting.add(id)
    const d = Math.max(-1, ...(inputs.get(id) ?? []).map(depthOf)) + 1
    visiting.delete(id)
    depth.set(id, d)
    return d
  }
  const ids = Object.keys(prompt).sort(byId)
  const rows = new Map<number, number>()
  return ids.map((id) => {
    const col = depthOf(id)
    const row = rows.get(col) ?? 0
    rows.set(col, row + 1)
    return { id, classType: prompt[id]?.class_type ?? '?', x: col * COL_W, y: row * ROW_H }
  })
}

/** A node card's size as laid out: wide enough for a title and a few widget values, an image on output nodes. */
export const NODE_W = 230
export const NODE_H = 120

/**
 * A layered left-to-right layout by dagre (network-simplex ranking, crossing reduction), for API-only
 * prompts: branches sit side by side instead of the one long strip a longest-path layering gives a big
 * graph, and edges cross less.
 */
export function dagreLayout(prompt: ApiPrompt): LaidOutNode[] {
  const g = new dagre.graphlib.Graph()
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 60, marginx: 0, marginy: 0 })
  g.setDefaultEdgeLabel(() => ({}))
  const ids = Object.keys(prompt).sort(byId)
  for (const id of ids) g.setNode(id, { width: NODE_W, height: NODE_H })
  for (const e of promptEdges(prompt)) if (e.source !== e.target) g.setEdge(e.source, e.target)
  dagre.layout(g)
  return ids.map((id) => {
    const n = g.node(id) as { x: number; y: number } | undefined
    // dagre gives centres; React Flow places nodes by their top-left corner.
    return { id, classType: prompt[id]?.class_type ?? '?', x: (n?.x ?? 0) - NODE_W / 2, y: (n?.y ?? 0) - NODE_H / 2 }
  })
}

/** Reads `[x, y]` or `{0: x, 1: y}` (both appear in saved UI workflows). */
function readPos(pos: unknown): { x: number; y: number } | null {
  if (Array.isArray(pos) && typeof pos[0] === 'number' && typeof pos[1] === 'number') return { x: pos[0], y: pos[1] }
  if (pos && typeof pos === 'object') {
    const o = pos as Record<string, unknown>
    if (typeof o['0'] === 'number' && typeof o['1'] === 'number') return { x: o['0'], y: o['1'] }
  }
  return null
}

/** Node positions from a UI-format workflow (`{ nodes: [{ id, pos }] }`), by node id. */
export function uiPositions(workflow: unknown): Map<string, { x: number; y: number }> {
  const out = new Map<string, { x: number; y: number }>()
  if (!workflow || typeof workflow !== 'object') return out
  const nodes = (workflow as { nodes?: unknown }).nodes
  if (!Array.isArray(nodes)) return out
  for (const n of nodes as unknown[]) {
    if (!n || typeof n !== 'object') continue
    const { id, pos } = n as { id?: unknown; pos?: unknown }
    const p = readPos(pos)
    if (p && (typeof id === 'number' || typeof id === 'string')) out.set(String(id), p)
  }
  return out
}

/**
 * Positions the prompt's nodes: where the UI workflow has positions for most of them we keep the
 * author's layout (what the user recognises); otherwise dagre's left-to-right layered layout.
 */
export function layoutGraph(prompt: ApiPrompt, workflow: unknown): { nodes: LaidOutNode[]; edges: GraphEdge[] } {
  const edges = promptEdges(prompt)
  const ids = Object.keys(prompt)
  const pos = uiPositions(workflow)
  const known = ids.filter((id) => pos.has(id))
  if (ids.length === 0 || known.length < ids.length * 0.6) return { nodes: dagreLayout(prompt), edges }
  const maxX = Math.max(...known.map((id) => pos.get(id)?.x ?? 0))
  let extra = 0
  const nodes = ids.sort(byId).map((id) => {
    const p = pos.get(id) ?? { x: maxX + COL_W, y: extra++ * ROW_H }
    return { id, classType: prompt[id]?.class_type ?? '?', x: p.x, y: p.y }
  })
  return { nodes, edges }
}
