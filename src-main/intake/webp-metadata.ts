import { err, ok } from '../../src-shared/contract/result'
import type { Result } from '../../src-shared/contract/result'
import { INTAKE_ERRORS } from '../../src-shared/contract/intake'

/** True when the bytes start with a RIFF…WEBP header. */
export function isWebp(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP'
}

/**
 * Reads ComfyUI's metadata from a WebP: key → JSON text. SaveAnimatedWEBP (ComfyUI
 * `comfy_extras/nodes_images.py`) stores `"prompt:" + json` in EXIF tag 0x0110 (Model) and each
 * `extra_pnginfo` entry as `"<key>:" + json` in 0x010F (Make), 0x010E, … counting down; Pillow writes the EXIF
 * into the RIFF `EXIF` chunk, with or without the `Exif\0\0` prefix (the frontend's `pnginfo.ts`
 * getWebpMetadata @ 0c578ae2 accepts both). Every IFD0 string entry is split at its first ':'.
 */
export function readWebpText(bytes: Uint8Array): Result<Record<string, string>> {
  const corrupt = (why: string): Result<never> =>
    err(INTAKE_ERRORS.corruptWebp, `The WebP file is corrupt or truncated: ${why}.`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const riffEnd = 8 + view.getUint32(4, true)
  if (riffEnd > bytes.length) return corrupt(`the RIFF header says ${riffEnd} bytes but the file has ${bytes.length}`)
  let offset = 12
  while (offset + 8 <= riffEnd) {
    const type = ascii(bytes, offset, 4)
    const size = view.getUint32(offset + 4, true)
    const dataStart = offset + 8
    if (dataStart + size > riffEnd) return corrupt(`chunk ${JSON.stringify(type)} runs past the end of the file`)
    if (type === 'EXIF') {
      const texts = readExifStrings(bytes.subarray(dataStart, dataStart + size))
      return texts === null ? corrupt('its EXIF chunk is malformed') : ok(texts)
    }
    offset = dataStart + size + (size % 2)
  }
  if (offset < riffEnd) return corrupt('a chunk header is cut off')
  return ok({})
}

/** Parses a TIFF structure (optionally after `Exif\0\0`) and returns IFD0's ASCII/UNDEFINED entries split at ':'. */
function readExifStrings(exif: Uint8Array): Record<string, string> | null {
  const tiff = ascii(exif, 0, 6) === 'Exif\0\0' ? exif.subarray(6) : exif
  if (tiff.length < 8) return null
  const order = ascii(tiff, 0, 2)
  if (order !== 'II' && order !== 'MM') return null
  const le = order === 'II'
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength)
  const ifd = view.getUint32(4, le)
  if (ifd + 2 > tiff.length) return null
  const count = view.getUint16(ifd, le)
  if (ifd + 2 + count * 12 > tiff.length) return null
  const texts: Record<string, string> = {}
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12
    const type = view.getUint16(entry + 2, le)
    if (type !== 2 && type !== 7) continue
    const length = view.getUint32(entry + 4, le)
    const start = length <= 4 ? entry + 8 : view.getUint32(entry + 8, le)
    if (start + length > tiff.length) return null
    const value = new TextDecoder('utf-8').decode(tiff.subarray(start, start + length)).replace(/\0+$/, '')
    const colon = value.indexOf(':')
    if (colon > 0 && !(value.slice(0, colon) in texts)) texts[value.slice(0, colon)] = value.slice(colon + 1)
  }
  return texts
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length))
}
