import { describe, expect, test } from 'vitest'
import type { ApiPrompt } from '../../../src-shared/contract'
import {
  COL_W,
  layeredLayout,
  layoutGraph,
  promptEdges,
  ROW_H,
  uiPositions,
} from '../../../src-renderer/src/lib/graph-layout'

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

  test('falls back to the layered layout without a usable workflow', () => {
    expect(layoutGraph(prompt, null).nodes).toEqual(layeredLayout(prompt))
    expect(layoutGraph(prompt, { nodes: [{ id: 4, pos: [0, 0] }] }).nodes).toEqual(layeredLayout(prompt))
  })
})
