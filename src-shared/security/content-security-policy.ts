/**
 * The renderer's Content-Security-Policy, in one place for both ways it is loaded: a <meta> tag in
 * the built index.html (the packaged desktop app loads it from file://, where no server sends
 * headers) and the HTTP header of headless mode. The renderer runs only its own bundled scripts and
 * talks only to its own origin; images come from our /api routes or the desktop image protocol.
 */
const DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'self'"],
  // `comfyfleet:` is the desktop app's image protocol (src-main/electron/image-protocol.ts).
  'img-src': ["'self'", 'data:', 'blob:', 'comfyfleet:'],
  'style-src': ["'self'", "'unsafe-inline'"],
  'connect-src': ["'self'", 'ws:', 'wss:'],
  'script-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
}

const serialize = (d: Record<string, string[]>): string =>
  Object.entries(d)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ')

/** For the <meta> tag (frame-ancestors is ignored there, so it is left out). */
export const RENDERER_CSP = serialize(DIRECTIVES)

/** For the HTTP header of headless mode: the same policy, and no framing by other sites. */
export const HTTP_CSP = serialize({ ...DIRECTIVES, 'frame-ancestors': ["'none'"] })

/**
 * A Vite plugin (kept free of Vite's types) that puts the policy into the built index.html. Build
 * only: the dev server's hot reload injects inline scripts the policy would block.
 */
export function cspMetaTag(): {
  name: string
  apply: 'build'
  transformIndexHtml: (html: string) => string
} {
  return {
    name: 'comfyfleet-csp-meta',
    apply: 'build',
    transformIndexHtml: (html) =>
      html.replace(/<head>/i, `<head>\n    <meta http-equiv="Content-Security-Policy" content="${RENDERER_CSP}" />`),
  }
}
