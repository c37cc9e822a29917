import { describe, expect, it } from 'vitest'
import { graphMatches, markerOf, PROMPT_MARKER } from '../../../../src-worker/activities/prompt-match'
import { txt2img } from '../../../../sim/samples/txt2img'

describe('graphMatches', () => {
  const ours = txt2img({ seed: 7, steps: 20 })

  it('accepts our graph as ComfyUI shows it back (literals coerced in place)', () => {
    const shown = JSON.parse(JSON.stringify(ours)) as Record<string, { inputs: Record<string, unknown> }>
    for (const node of Object.values(shown)) {
      for (const [k, v] of Object.entries(node.inputs)) if (typeof v === 'number') node.inputs[k] = String(v)
    }
    expect(graphMatches(ours, shown)).toBe(true)
  })

  it('rejects what a server could make up without having been given the prompt', () => {
    expect(graphMatches(ours, { '9': { class_type: 'SaveImage', inputs: {} } })).toBe(false)
    expect(graphMatches(ours, undefined)).toBe(false)
    expect(graphMatches(ours, txt2img({ seed: 8, steps: 20 }))).toBe(false)
    const extraNode = { ...ours, '99': { class_type: 'SaveImage', inputs: {} } }
    expect(graphMatches(ours, extraNode)).toBe(false)
  })

  it('reads the marker of a queue item or history prompt tuple', () => {
    expect(markerOf([0, 'server-id', ours, { [PROMPT_MARKER]: 'our-id' }, []])).toBe('our-id')
    expect(markerOf([0, 'id', ours, {}, []])).toBeNull()
    expect(markerOf('nonsense')).toBeNull()
  })
})
