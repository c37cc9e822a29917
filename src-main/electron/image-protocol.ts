import { readFile } from 'node:fs/promises'
import { protocol } from 'electron'
import type { ImageFiles } from '../api/http-server'

export const IMAGE_SCHEME = 'comfyfleet'

/** Must run before app 'ready': lets <img src="comfyfleet://images/<hash>"> load like https. */
export function registerImageScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ])
}

/** Serve cached images by hash only; the host picks full size or thumbnail, nothing else is reachable. */
export function handleImageProtocol(images: ImageFiles): void {
  protocol.handle(IMAGE_SCHEME, async (request) => {
    const url = new URL(request.url)
    const kind = url.host === 'thumbs' ? 'thumb' : url.host === 'images' ? 'full' : null
    const hash = url.pathname.replace(/^\//, '')
    const found = kind && /^[0-9a-f]{64}$/.test(hash) ? await images.resolve(hash, kind) : null
    if (!found) return new Response('not found', { status: 404 })
    return new Response(await readFile(found.path), { headers: { 'content-type': found.mime } })
  })
}
