/**
 * The one PNG chunk writer: the simulator's SaveImage, the intake's unit tests and the e2e drops all build
 * their PNGs here, so a chunk is laid out (length, type, data, CRC over type + data) in exactly one place.
 * Text chunks are written the way Pillow's PngInfo writes them for ComfyUI.
 */
import { crc32, deflateSync } from 'node:zlib'

export const PNG_SIGNATURE: Readonly<Buffer> = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** One chunk: its four-letter type and its data (length and CRC are added when written). */
export interface PngChunk {
  type: string
  data: Buffer
}

/** A chunk's bytes: length, type, data, CRC-32 of type and data. */
export function chunkBytes({ type, data }: PngChunk): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4, 8))) >>> 0, 0)
  return Buffer.concat([head, data, crc])
}

/** A PNG file: the signature, then the chunks in order (IHDR first, IEND last: the caller's order is kept). */
export function pngFile(chunks: readonly PngChunk[]): Buffer {
  return Buffer.concat([PNG_SIGNATURE, ...chunks.map(chunkBytes)])
}

/** tEXt: keyword NUL latin-1 text (Pillow's add_text when both fit latin-1). */
export function tEXt(keyword: string, text: string): PngChunk {
  return {
    type: 'tEXt',
    data: Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]),
  }
}

/**
 * iTXt: keyword NUL, compression flag and method, language NUL, empty translated keyword NUL, UTF-8 text
 * (zlib-deflated when `compressed`, as Pillow's add_text(..., zip=True)).
 */
export function iTXt(keyword: string, text: string, opts: { compressed?: boolean; language?: string } = {}): PngChunk {
  const utf8 = Buffer.from(text, 'utf8')
  return {
    type: 'iTXt',
    data: Buffer.concat([
      Buffer.from(keyword, 'latin1'),
      Buffer.from([0, opts.compressed ? 1 : 0, 0]),
      Buffer.from(opts.language ?? '', 'latin1'),
      Buffer.from([0, 0]),
      opts.compressed ? deflateSync(utf8) : utf8,
    ]),
  }
}

/** zTXt: keyword NUL, method 0, deflated latin-1 text. */
export function zTXt(keyword: string, text: string): PngChunk {
  return {
    type: 'zTXt',
    data: Buffer.concat([
      Buffer.from(keyword, 'latin1'),
      Buffer.from([0, 0]),
      deflateSync(Buffer.from(text, 'latin1')),
    ]),
  }
}

/** A valid 1×1 grey PNG with `extra` chunks after IHDR, where Pillow places text chunks (test and e2e drops). */
export function tinyPng(extra: readonly PngChunk[] = []): Buffer {
  return pngFile([
    { type: 'IHDR', data: Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]) },
    ...extra,
    { type: 'IDAT', data: deflateSync(Buffer.from([0, 128])) },
    { type: 'IEND', data: Buffer.alloc(0) },
  ])
}
