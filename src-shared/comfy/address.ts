/**
 * Server addresses as users type them (`gpu1`, `gpu1:8189`, `http://10.0.0.5:8188/`) normalised to
 * one form, `http(s)://host:port`, so a duplicate is a duplicate however it was written: the fleet's
 * registry, the standalone worker's config and the farm-wide claim id of a server all use this one spelling.
 */
import { err, ok, type Result } from '../contract/result'

/** ComfyUI's default listen port. */
export const DEFAULT_COMFYUI_PORT = 8188

/** Normalise an address, or say exactly what is wrong with it. */
export function normaliseAddress(input: string): Result<string> {
  const text = input.trim()
  if (text === '') return err('servers/bad-address', 'The server address is empty.')
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
  let url: URL
  try {
    url = new URL(hasScheme ? text : `http://${text}`)
  } catch {
    return err('servers/bad-address', `"${text}" is not a valid address; use host, host:port or http://host:port.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return err(
      'servers/bad-address',
      `Address scheme "${url.protocol.slice(0, -1)}" is not supported; use http or https.`
    )
  }
  if (url.username || url.password) {
    return err('servers/bad-address', 'Addresses must not contain a user name or password.')
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    return err('servers/bad-address', `Address "${text}" has a path (${url.pathname}); give only host and port.`)
  }
  if (url.search || url.hash) {
    return err('servers/bad-address', `Address "${text}" has a query or fragment; give only host and port.`)
  }
  if (url.hostname === '') return err('servers/bad-address', `Address "${text}" has no host.`)
  // URL drops a port equal to the scheme's default (http:80), so read the written port from the text.
  const authority = text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?#]/)[0] ?? ''
  const written = /:(\d*)$/.exec(authority)?.[1]
  if (written === '') return err('servers/bad-address', `Address "${text}" ends with ":" but has no port.`)
  const port = written !== undefined ? Number(written) : url.protocol === 'https:' ? 443 : DEFAULT_COMFYUI_PORT
  if (port < 1 || port > 65535) return err('servers/bad-address', `Port ${port} is out of range (1–65535).`)
  return ok(`${url.protocol}//${url.hostname}:${port}`)
}
