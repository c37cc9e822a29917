/**
 * ComfyUI's default "origin only" middleware (server.py create_origin_only_middleware, 0.3.64): when a
 * request carries both Host and Origin and the Host is a loopback name, they must match, else 403.
 * Loopback is decided by name/literal here (ComfyUI resolves the name; close enough for 127.x/localhost/::1).
 */

function splitHostPort(hostport: string): { hostname: string; port: number | null } {
  const m = /^\[([^\]]*)\](?::(\d+))?$/.exec(hostport) ?? /^([^:]*)(?::(\d+))?$/.exec(hostport)
  if (!m) return { hostname: hostport, port: null }
  return { hostname: (m[1] ?? '').toLowerCase(), port: m[2] !== undefined ? Number(m[2]) : null }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '::1' || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}

/** True when the request must be refused with 403. */
export function originRejected(host: string | undefined, origin: string | undefined): boolean {
  if (host === undefined || origin === undefined) return false
  const h = splitHostPort(host.toLowerCase())
  let originNetloc: string
  try {
    const u = new URL(origin)
    originNetloc = u.host.toLowerCase()
  } catch {
    return false
  }
  const o = splitHostPort(originNetloc)
  let hostDomain = host.toLowerCase()
  let originDomain = originNetloc
  if (o.port === null) hostDomain = h.hostname
  if (h.port === null) originDomain = o.hostname
  if (!isLoopback(h.hostname) || hostDomain.length === 0 || originDomain.length === 0) return false
  return hostDomain !== originDomain
}
