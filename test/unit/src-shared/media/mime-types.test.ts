import { describe, expect, it } from 'vitest'
import { contentTypeOf, extensionOfMime, mimeTypeOf } from '../../../../src-shared/media/mime-types'

describe('the one MIME map', () => {
  it('looks a type up by file name, path, extension or bare format, in any case', () => {
    expect(mimeTypeOf('ComfyUI_00001_.PNG')).toBe('image/png')
    expect(mimeTypeOf('/srv/out/a.b/clip.webm')).toBe('video/webm')
    expect(mimeTypeOf('.jpeg')).toBe('image/jpeg')
    expect(mimeTypeOf('avif')).toBe('image/avif')
    expect(mimeTypeOf('notes.xyz')).toBeUndefined()
  })

  it('serves text as UTF-8 and anything unknown as a download', () => {
    expect(contentTypeOf('index.html')).toBe('text/html; charset=utf-8')
    expect(contentTypeOf('app.js')).toBe('text/javascript; charset=utf-8')
    expect(contentTypeOf('font.woff2')).toBe('font/woff2')
    expect(contentTypeOf('model.safetensors')).toBe('application/octet-stream')
  })

  it('stores a Content-Type under its first extension, ignoring parameters', () => {
    expect(extensionOfMime('image/jpeg')).toBe('jpg')
    expect(extensionOfMime('Image/PNG; charset=binary')).toBe('png')
    expect(extensionOfMime('video/mp4')).toBe('mp4')
    expect(extensionOfMime('application/x-unknown')).toBeUndefined()
  })
})
