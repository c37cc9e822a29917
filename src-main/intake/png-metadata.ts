import { crc32, inflateSync } from 'node:zlib'
import { err, ok } from '../../src-shared/contract/result'
import type { Result } from '../../src-shared/contract/result'
import { INTAKE_ERRORS, INTAKE_MAX_BYTES } from '../../src-shared/contract/intake'

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** True when the bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b)
}

/**
 * Reads the text chunks of a PNG: keyword → text. ComfyUI's SaveImage writes `prompt` and `workflow` with
 * Pillow's `PngInfo.add_text` (tEXt, since json.dumps output is ASCII); other tools re-save them as iTXt,
 * sometimes compressed, or zTXt, so all three are read (the frontend's `metadata/png.ts` @ b4ffe588 reads
 * tEXt/iTXt uncompressed only). Every chunk's CRC is checked, so bit flips and truncation are reported
 * instead of yielding half a workflow.
 */
export function readPngText(bytes: Uint8Array): Result<Record<string, string>> {
  const corrupt = (why: string): Result<never> =>
    err(INTAKE_ERRORS.corruptPng, `The PNG file is corrupt or truncated: ${why}.`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const texts: Record<string, string> = {}
  let offset = 8
  while (true) {
    if (offset + 12 > bytes.length) return corrupt(`it ends at byte ${bytes.length} before the IEND chunk`)
    const length = view.getUint32(offset)
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8))
    if (!/^[A-Za-z]{4}$/.test(type)) return corrupt(`bad chunk type at byte ${offset}`)
    const end = offset + 12 + length
    if (length > 0x7fffffff || end > bytes.length) return corrupt(`chunk ${type} runs past the end of the file`)
    const stored = view.getUint32(offset + 8 + length)
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== stored) {
      return corrupt(`chunk ${type} at byte ${offset} fails its CRC check`)
    }
    const data = bytes.subarray(offset + 8, offset + 8 + length)
    if (type === 'IEND') return ok(texts)
    const entry = decodeTextChunk(type, data)
    if (entry === 'bad') return corrupt(`text chunk ${type} at byte ${offset} cannot be decoded`)
    if (entry && !(entry.keyword in texts)) texts[entry.keyword] = entry.text
    offset = end
  }
}

function decodeTextChunk(type: string, data: Uint8Array): { keyword: string; text: string } | null | 'bad' {
  if (type !== 'tEXt' && type !== 'iTXt' && type !== 'zTXt') return null
  const nul = data.indexOf(0)
  if (nul <= 0) return 'bad'
  const keyword = latin1(data.subarray(0, nul))
  try {
    if (type === 'tEXt') return { keyword, text: utf8OrLatin1(data.subarray(nul + 1)) }
    if (type === 'zTXt') return { keyword, text: utf8OrLatin1(inflate(data.subarray(nul + 2))) }
    return { keyword, text: decodeITxt(data, nul) }
  } catch {
    return 'bad'
  }
}

/** iTXt: keyword\0 flag method language\0 translated\0 text (UTF-8, zlib when flag is 1). */
function decodeITxt(data: Uint8Array, nul: number): string {
  const compressed = data[nul + 1] === 1
  const langEnd = data.indexOf(0, nul + 3)
  if (langEnd < 0) throw new Error('no language tag end')
  const transEnd = data.indexOf(0, langEnd + 1)
  if (transEnd < 0) throw new Error('no translated keyword end')
  const body = data.subarray(transEnd + 1)
  return new TextDecoder('utf-8').decode(compressed ? inflate(body) : body)
}

/** Inflates with an output cap so a decompression bomb cannot exhaust memory. */
function inflate(data: Uint8Array): Uint8Array {
  return inflateSync(data, { maxOutputLength: INTAKE_MAX_BYTES })
}

function latin1(data: Uint8Array): string {
  return new TextDecoder('latin1').decode(data)
}

/** tEXt is Latin-1 by spec, but some writers put UTF-8 there; JSON from json.dumps is ASCII either way. */
function utf8OrLatin1(data: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data)
  } catch {
    return latin1(data)
  }
}
