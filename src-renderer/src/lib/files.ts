import type { IntakeFile } from '../../../src-shared/contract'

/** The chunk size for base64 conversion: keeps `String.fromCharCode` under engine argument limits. */
const CHUNK = 0x8000

/** Base64 of raw bytes (browser-safe, no Buffer). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK))
  return btoa(binary)
}

/** Reads browser `File`s into intake files. */
export async function readIntakeFiles(files: Iterable<File>): Promise<IntakeFile[]> {
  return Promise.all(
    [...files].map(async (f) => ({ name: f.name, dataBase64: bytesToBase64(new Uint8Array(await f.arrayBuffer())) }))
  )
}

/** A short label for toasts: one name, or `3 files`. */
export function describeFiles(files: { name: string }[]): string {
  return files.length === 1 ? (files[0]?.name ?? 'file') : `${files.length} files`
}

/** What the Open… dialog offers; the intake decides what is really usable. */
export const INTAKE_ACCEPT = '.json,.png,.webp,application/json,image/png,image/webp'
