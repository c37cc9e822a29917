import { iTXt as iTXtChunk, tinyPng, type PngChunk } from '../../../../src-shared/media/png-chunks'

/** Builders for tiny PNG / WebP files carrying metadata the way ComfyUI (Pillow) writes it. */

export { tEXt, zTXt, type PngChunk } from '../../../../src-shared/media/png-chunks'

/** A valid 1×1 grey PNG with `extra` chunks placed after IHDR, as Pillow places text chunks. */
export const makePng = (extra: PngChunk[]): Buffer => tinyPng(extra)

/** iTXt chunk tagged English, optionally zlib-compressed (Pillow's add_text(..., zip=True) for non-Latin-1 text). */
export function iTXt(keyword: string, text: string, compressed: boolean): PngChunk {
  return iTXtChunk(keyword, text, { compressed, language: 'en' })
}

/**
 * A TIFF structure with IFD0 ASCII entries, as Pillow's `Image.Exif.tobytes()` lays it out: header, IFD0
 * entries sorted by tag, then the out-of-line values. `prefix` adds the `Exif\0\0` marker some writers keep.
 */
export function makeExif(
  entries: Array<[number, string]>,
  opts: { bigEndian?: boolean; prefix?: boolean } = {}
): Buffer {
  const le = !opts.bigEndian
  const sorted = [...entries].sort((a, b) => a[0] - b[0])
  const ifdSize = 2 + sorted.length * 12 + 4
  const values = sorted.map(([, text]) => Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]))
  const header = Buffer.alloc(8)
  header.write(le ? 'II' : 'MM', 0, 'latin1')
  if (le) header.writeUInt16LE(42, 2)
  else header.writeUInt16BE(42, 2)
  if (le) header.writeUInt32LE(8, 4)
  else header.writeUInt32BE(8, 4)
  const ifd = Buffer.alloc(ifdSize)
  const u16 = (v: number, at: number): number => (le ? ifd.writeUInt16LE(v, at) : ifd.writeUInt16BE(v, at))
  const u32 = (v: number, at: number): number => (le ? ifd.writeUInt32LE(v, at) : ifd.writeUInt32BE(v, at))
  u16(sorted.length, 0)
  let valueOffset = 8 + ifdSize
  sorted.forEach(([tag], i) => {
    const at = 2 + i * 12
    const value = values[i]!
    u16(tag, at)
    u16(2, at + 2)
    u32(value.length, at + 4)
    u32(valueOffset, at + 8)
    valueOffset += value.length
  })
  const tiff = Buffer.concat([header, ifd, ...values])
  return opts.prefix ? Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]) : tiff
}

function riffChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.write(type, 0, 'latin1')
  head.writeUInt32LE(data.length, 4)
  return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)])
}

/** An extended-format WebP (VP8X + a stand-in VP8L + EXIF), the layout Pillow writes for images with EXIF. */
export function makeWebp(exif: Buffer | null): Buffer {
  const vp8x = Buffer.alloc(10)
  vp8x[0] = exif ? 0x08 : 0
  const vp8l = Buffer.from([0x2f, 0, 0, 0, 0])
  const body = Buffer.concat([
    Buffer.from('WEBP', 'latin1'),
    riffChunk('VP8X', vp8x),
    riffChunk('VP8L', vp8l),
    ...(exif ? [riffChunk('EXIF', exif)] : []),
  ])
  const head = Buffer.alloc(8)
  head.write('RIFF', 0, 'latin1')
  head.writeUInt32LE(body.length, 4)
  return Buffer.concat([head, body])
}
