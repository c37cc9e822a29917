import { describe, expect, it } from 'vitest'
import { EVENT_DATA_BYTES } from '../../../../src-shared/contract/limits'
import { boundEventData, newestEvents } from '../../../../src-worker/activities/event-bounds'
import { MAX_EVENTS } from '../../../../src-worker/workflows/run-state'
import { RunProgress } from '../../../../src-worker/activities/run-progress'

describe('event bounds', () => {
  it('a small event is kept whole', () => {
    const data = { node: '9', prompt_id: 'p', output: { images: [{ filename: 'a.png' }] } }
    expect(boundEventData(data)).toBe(data)
  })

  it('an executed message with 3 MB of text keeps its small fields, a preview, and stores the whole', () => {
    const stored: string[] = []
    const data = { node: '9', display_node: '9', prompt_id: 'p', output: { text: ['t'.repeat(3_000_000)] } }
    const bounded = boundEventData(data, (json) => {
      stored.push(json)
      return 'f'.repeat(64)
    })
    expect(JSON.stringify(bounded).length).toBeLessThanOrEqual(EVENT_DATA_BYTES)
    expect(bounded).toMatchObject({ node: '9', prompt_id: 'p', comfyfleet_payload_sha256: 'f'.repeat(64) })
    expect(bounded.comfyfleet_truncated).toMatchObject({ fields: { output: 3_000_013 } })
    expect(String(bounded.comfyfleet_preview)).toMatch(/^output: \{"text":\["ttt/)
    expect(JSON.parse(stored[0]!)).toEqual(data)
  })

  it('many small fields that add up are cut to the summary', () => {
    const data = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]))
    const bounded = boundEventData(data)
    expect(JSON.stringify(bounded).length).toBeLessThanOrEqual(EVENT_DATA_BYTES)
    expect(bounded).toHaveProperty('comfyfleet_truncated')
  })

  it('RunProgress records an oversized executed message bounded', () => {
    const progress = new RunProgress({ '9': { class_type: 'SaveImage', inputs: {} } })
    progress.apply(
      { type: 'executed', data: { node: '9', prompt_id: 'p', output: { text: ['x'.repeat(100_000)] } } },
      1
    )
    const [event] = progress.takeEvents()
    expect(JSON.stringify(event).length).toBeLessThan(EVENT_DATA_BYTES + 200)
    expect(progress.nodes['9']).toBe('done')
  })

  it('a result carries at most the newest MAX_EVENTS events', () => {
    const events = Array.from({ length: MAX_EVENTS + 700 }, (_, i) => ({ type: 'executing', time: i, data: {} }))
    const kept = newestEvents(events)
    expect(kept).toHaveLength(MAX_EVENTS)
    expect(kept[0]!.time).toBe(700)
    expect(newestEvents(events.slice(0, 3))).toHaveLength(3)
  })

  it('RunProgress hands a signal or the result at most the newest MAX_EVENTS events', () => {
    const prompt = Object.fromEntries(
      Array.from({ length: MAX_EVENTS + 50 }, (_, i) => [String(i), { class_type: 'Note', inputs: {} }])
    )
    const progress = new RunProgress(prompt)
    for (const id of Object.keys(prompt)) progress.apply({ type: 'executing', data: { node: id, prompt_id: 'p' } }, 1)
    const taken = progress.takeEvents()
    expect(taken).toHaveLength(MAX_EVENTS)
    expect(taken.at(-1)!.data.node).toBe(String(MAX_EVENTS + 49))
  })
})
