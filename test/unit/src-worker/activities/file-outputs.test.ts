import { describe, expect, it } from 'vitest'
import { fileOutputs, fileRefs } from '../../../../src-worker/activities/outputs'

describe('fileOutputs (what a heartbeat keeps of a result taken from the socket)', () => {
  it("keeps every node's files and drops UI values of any size", () => {
    const image = { filename: 'a_00001_.png', subfolder: 'x', type: 'output' as const }
    const frame = { filename: 'v_00001_.webp', subfolder: '', type: 'temp' as const }
    const kept = fileOutputs({
      '9': { images: [image], text: ['t'.repeat(3_000_000)] },
      '12': { gifs: [frame], animated: [true] },
      '20': { text: ['only text'] },
    })
    expect(kept).toEqual({ '9': { files: [image] }, '12': { files: [frame] }, '20': { files: [] } })
    expect(JSON.stringify(kept).length).toBeLessThan(300)
    // What a later attempt fetches from it is what it would have fetched from the whole output.
    expect(fileRefs(kept['12']!)).toEqual([frame])
  })
})
