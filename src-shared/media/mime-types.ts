/**
 * The one table of file types we serve or store: the local API's static files, stored images, the
 * simulator's /view and the test fixtures all look types up here, so a format added once is known everywhere.
 * Keys are lower-case extensions; the first extension of a type is the one we store it under (jpeg → jpg).
 */
const TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  mp4: 'video/mp4',
  webm: 'video/webm',
  wav: 'audio/x-wav',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  html: 'text/html',
  htm: 'text/html',
  js: 'text/javascript',
  mjs: 'text/javascript',
  css: 'text/css',
  txt: 'text/plain',
  json: 'application/json',
  woff: 'font/woff',
  woff2: 'font/woff2',
}

export const OCTET_STREAM = 'application/octet-stream'

/** `name` is a file name, a path, an extension with or without its dot, or a bare format (`png`). */
function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return (dot === -1 ? name : name.slice(dot + 1)).toLowerCase()
}

/** The bare media type of a file name or format (as ComfyUI's Python `mimetypes` gives it), or undefined. */
export function mimeTypeOf(name: string): string | undefined {
  return TYPES[extensionOf(name)]
}

/** The Content-Type header to serve a file with: unknown types are octet-stream, text says it is UTF-8. */
export function contentTypeOf(name: string): string {
  const type = mimeTypeOf(name) ?? OCTET_STREAM
  return type.startsWith('text/') ? `${type}; charset=utf-8` : type
}

/** The extension a file of this Content-Type is stored under (parameters such as charset ignored), or undefined. */
export function extensionOfMime(contentType: string): string | undefined {
  const type = contentType.split(';')[0]?.trim().toLowerCase()
  return Object.keys(TYPES).find((ext) => TYPES[ext] === type)
}
