/**
 * A small PNG encoder/decoder (RGB 8-bit) with text chunks, written on node:zlib.
 *
 * Chunk layout follows what Pillow writes for ComfyUI's SaveImage: IHDR, then one text chunk per
 * PngInfo.add_text call (in call order), then IDAT, IEND. Pillow writes a text chunk as tEXt
 * (keyword NUL latin-1 text) when both encode as latin-1, else as iTXt (UTF-8, uncompressed).
 */
import { deflateSync, inflateSync } from 'node:zlib'
import { iTXt, PNG_SIGNATURE as SIGNATURE, pngFile, tEXt, type PngChunk } from '../../src-shared/media/png-chunks'

/** One text chunk to embed: keyword and text. */
export interface PngText {
  keyword: string
  text: string
}

// eslint-disable-next-line no-control-regex
const LATIN1 = /^[\u0000-\u00ff]*$/

/** Pillow's choice: tEXt when keyword and text fit latin-1, else uncompressed iTXt with no language. */
function textChunk(t: PngText): PngChunk {
  return LATIN1.test(t.keyword) && LATIN1.test(t.text) ? tEXt(t.keyword, t.text) : iTXt(t.keyword, t.text)
}

/**
 * Encode RGB pixels (width*height*3 bytes, row-major) as a PNG with the given text chunks.
 * `level` is the zlib level (SaveImage uses 4, PreviewImage 1).
 */
export function encodePng(
  width: number,
  height: number,
  rgb: Uint8Array,
  texts: readonly PngText[] = [],
  level = 4
): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // colour type RGB
  const stride = width * 3
  const raw = Buffer.alloc((stride + 1) * height)
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0 // filter: none
    raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1)
  }
  return pngFile([
    { type: 'IHDR', data: ihdr },
    ...texts.map(textChunk),
    { type: 'IDAT', data: deflateSync(raw, { level }) },
    { type: 'IEND', data: Buffer.alloc(0) },
  ])
}

/** A raw chunk read back from a PNG. */
export type { PngChunk }

/** Split a PNG into chunks (throws on a bad signature). */
export function readPngChunks(png: Buffer): PngChunk[] {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file')
  const out: PngChunk[] = []
  let off = 8
  while (off + 8 <= png.length) {
    const len = png.readUInt32BE(off)
    const type = png.toString('latin1', off + 4, off + 8)
    out.push({ type, data: png.subarray(off + 8, off + 8 + len) })
    off += 12 + len
    if (type === 'IEND') break
  }
  return out
}

/** The tEXt/iTXt chunks of a PNG as keyword → text, read the way ComfyUI's frontend reads them. */
export function readPngTexts(png: Buffer): Map<string, string> {
  const out = new Map<string, string>()
  for (const c of readPngChunks(png)) {
    if (c.type !== 'tEXt' && c.type !== 'iTXt') continue
    const nul = c.data.indexOf(0)
    const keyword = c.data.toString('latin1', 0, nul)
    if (c.type === 'tEXt') out.set(keyword, c.data.toString('latin1', nul + 1))
    else {
      // Skip compression flag, method, language NUL, translated keyword NUL.
      let p = nul + 3
      p = c.data.indexOf(0, p) + 1
      p = c.data.indexOf(0, p) + 1
      out.set(keyword, c.data.toString('utf8', p))
    }
  }
  return out
}

/** Width and height from a PNG's IHDR, or null if the bytes are not a PNG. */
export function pngSize(png: Buffer): { width: number; height: number } | null {
  if (png.length < 24 || !png.subarray(0, 8).equals(SIGNATURE)) return null
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

/** Decode an 8-bit RGB/RGBA non-interlaced PNG to RGB pixels (enough for the simulator's own files). */
export function decodePngRgb(png: Buffer): { width: number; height: number; rgb: Uint8Array } {
  const chunks = readPngChunks(png)
  const ihdr = chunks.find((c) => c.type === 'IHDR')?.data
  if (!ihdr) throw new Error('PNG without IHDR')
  const width = ihdr.readUInt32BE(0)
  const height = ihdr.readUInt32BE(4)
  const colour = ihdr[9]
  if (ihdr[8] !== 8 || (colour !== 2 && colour !== 6) || ihdr[12] !== 0) throw new Error('unsupported PNG format')
  const bpp = colour === 6 ? 4 : 3
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)))
  const stride = width * bpp
  const cur = new Uint8Array(stride)
  const prev = new Uint8Array(stride)
  const rgb = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    const base = y * (stride + 1)
    const filter = raw[base] ?? 0
    for (let i = 0; i < stride; i++) {
      const x = raw[base + 1 + i] ?? 0
      const a = i >= bpp ? (cur[i - bpp] ?? 0) : 0
      const b = prev[i] ?? 0
      const c = i >= bpp ? (prev[i - bpp] ?? 0) : 0
      cur[i] = (x + unfilter(filter, a, b, c)) & 0xff
    }
    for (let px = 0; px < width; px++) {
      rgb[(y * width + px) * 3] = cur[px * bpp] ?? 0
      rgb[(y * width + px) * 3 + 1] = cur[px * bpp + 1] ?? 0
      rgb[(y * width + px) * 3 + 2] = cur[px * bpp + 2] ?? 0
    }
    prev.set(cur)
  }
  return { width, height, rgb }
}

function unfilter(filter: number, a: number, b: number, c: number): number {
  switch (filter) {
    case 1:
      return a
    case 2:
      return b
    case 3:
      return (a + b) >> 1
    case 4: {
      const p = a + b - c
      const pa = Math.abs(p - a)
      const pb = Math.abs(p - b)
      const pc = Math.abs(p - c)
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
    }
    default:
      return 0
  }
}
