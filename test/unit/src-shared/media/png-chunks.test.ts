import { describe, expect, it } from 'vitest'
import { readPngText } from '../../../../src-main/intake/png-metadata'
import { imageSize } from '../../../../src-shared/comfy/png-size'
import { chunkBytes, iTXt, tEXt, tinyPng, zTXt } from '../../../../src-shared/media/png-chunks'
import { readPngChunks } from '../../../../sim/media/png'

describe('the one PNG chunk writer', () => {
  it('writes length, type, data and the CRC-32 of type and data', () => {
    // The IEND chunk every PNG ends with: its CRC is the well-known AE 42 60 82.
    expect(chunkBytes({ type: 'IEND', data: Buffer.alloc(0) }).toString('hex')).toBe('0000000049454e44ae426082')
  })

  it('builds a PNG whose text chunks the intake reads back, CRCs checked', () => {
    const png = tinyPng([
      tEXt('prompt', '{"1":{}}'),
      iTXt('workflow', '{"name":"café ☕"}', { compressed: true, language: 'en' }),
      zTXt('parameters', 'steps: 20'),
    ])
    expect(imageSize(png)).toEqual({ width: 1, height: 1 })
    expect(readPngChunks(png).map((c) => c.type)).toEqual(['IHDR', 'tEXt', 'iTXt', 'zTXt', 'IDAT', 'IEND'])
    const read = readPngText(png)
    expect(read.ok && read.value).toEqual({
      prompt: '{"1":{}}',
      workflow: '{"name":"café ☕"}',
      parameters: 'steps: 20',
    })
  })
})
