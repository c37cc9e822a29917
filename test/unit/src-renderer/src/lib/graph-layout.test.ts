import { describe, expect, test } from 'vitest'
import type { ApiPrompt } from '../../../../../src-shared/contract'
import {
  COL_W,
  dagreLayout,
  layeredLayout,
  NODE_H,
  NODE_W,
  layoutGraph,
  promptEdges,
  ROW_H,
  uiPositions,
} from '../../../../../src-renderer/src/lib/graph-layout'

const prompt: ApiPrompt = {
  '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'x.safetensors' } },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a cat', clip: ['4', 1] } },
  '5': { class_type: 'EmptyLatentImage', inputs: { width: 512 } },
  '3': { class_type: 'KSampler', inputs: { model: ['4', 0], positive: ['6', 0], latent_image: ['5', 0], seed: 1 } },
  '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
}

describe('promptEdges', () => {
  test('one edge per linked input, ignoring literal arrays and unknown ids', () => {
    const p: ApiPrompt = {
      ...prompt,
      '9': { class_type: 'X', inputs: { size: [512, 512], ghost: ['77', 0], images: ['8', 0] } },
    }
    const edges = promptEdges(p).map((e) => `${e.source}->${e.target}`)
    expect(edges).toContain('8->9')
    expect(edges).not.toContain('77->9')
    expect(edges.filter((e) => e.endsWith('->9'))).toHaveLength(1)
    expect(edges).toHaveLength(7)
  })
})

describe('layeredLayout', () => {
  test('puts each node one column right of its deepest input', () => {
    const byId = Object.fromEntries(layeredLayout(prompt).map((n) => [n.id, n]))
    expect(byId['4']?.x).toBe(0)
    expect(byId['5']?.x).toBe(0)
    expect(byId['6']?.x).toBe(COL_W)
    expect(byId['3']?.x).toBe(2 * COL_W)
    expect(byId['8']?.x).toBe(3 * COL_W)
    expect([byId['4']?.y, byId['5']?.y].sort()).toEqual([0, ROW_H])
  })

  test('survives a cycle instead of recursing forever', () => {
    const cyclic: ApiPrompt = {
      a: { class_type: 'A', inputs: { x: ['b', 0] } },
      b: { class_type: 'B', inputs: { x: ['a', 0] } },
    }
    expect(layeredLayout(cyclic)).toHaveLength(2)
  })
})

describe('layoutGraph', () => {
  test('keeps UI workflow positions (array and object forms) when they cover the prompt', () => {
    const workflow = {
      nodes: [
        { id: 4, pos: [10, 20] },
        { id: 6, pos: { 0: 300, 1: 20 } },
        { id: 5, pos: [10, 400] },
        { id: 3, pos: [600, 20] },
      ],
    }
    expect(uiPositions(workflow).get('6')).toEqual({ x: 300, y: 20 })
    const { nodes } = layoutGraph(prompt, workflow)
    const byId = Object.fromEntries(nodes.map((n) => [n.id, n]))
    expect(byId['3']).toMatchObject({ x: 600, y: 20 })
    // Node 8 has no UI position: it goes right of everything.
    expect(byId['8']?.x).toBe(600 + COL_W)
  })

  test('falls back to the dagre layout without a usable workflow', () => {
    expect(layoutGraph(prompt, null).nodes).toEqual(dagreLayout(prompt))
    expect(layoutGraph(prompt, { nodes: [{ id: 4, pos: [0, 0] }] }).nodes).toEqual(dagreLayout(prompt))
  })
})

/** 62 nodes as a big ComfyUI graph has them: 10 parallel 5-node branches combined, then two outputs. */
function bigPrompt(): ApiPrompt {
  const p: ApiPrompt = { '0': { class_type: 'CheckpointLoaderSimple', inputs: {} } }
  let id = 1
  const ends: string[] = []
  for (let b = 0; b < 10; b++) {
    let prev = '0'
    for (let k = 0; k < 5; k++) {
      const key = String(id++)
      p[key] = { class_type: `Step${k}`, inputs: { x: [prev, 0] } }
      prev = key
    }
    ends.push(prev)
  }
  let last = ends[0]!
  for (const end of ends.slice(1)) {
    const key = String(id++)
    p[key] = { class_type: 'Combine', inputs: { a: [last, 0], b: [end, 0] } }
    last = key
  }
  p[String(id++)] = { class_type: 'SaveImage', inputs: { images: [last, 0] } }
  p[String(id)] = { class_type: 'PreviewImage', inputs: { images: [last, 0] } }
  return p
}

describe('dagreLayout', () => {
  test('a 62-node graph gets every node placed, none overlapping, and reads as a graph, not a strip', () => {
    const p = bigPrompt()
    expect(Object.keys(p)).toHaveLength(62)
    const nodes = dagreLayout(p)
    expect(nodes.map((n) => n.id).sort()).toEqual(Object.keys(p).sort())
    for (const a of nodes)
      for (const b of nodes)
        if (a !== b) expect(Math.abs(a.x - b.x) >= NODE_W || Math.abs(a.y - b.y) >= NODE_H).toBe(true)
    const width = Math.max(...nodes.map((n) => n.x)) - Math.min(...nodes.map((n) => n.x)) + NODE_W
    const height = Math.max(...nodes.map((n) => n.y)) - Math.min(...nodes.map((n) => n.y)) + NODE_H
    // Branches side by side: taller than a handful of rows, not a long thin strip.
    expect(height).toBeGreaterThan(NODE_H * 5)
    expect(width / height).toBeLessThan(6)
    // Links still run left to right.
    const x = Object.fromEntries(nodes.map((n) => [n.id, n.x]))
    for (const e of promptEdges(p)) expect(x[e.target]!).toBeGreaterThan(x[e.source]!)
  })
})
