import { HttpError } from '../api/http-util'

/** Bridge params arrive as untrusted JSON (HTTP) or structured clones (IPC): check what a handler reads. */
export function requireString(params: unknown, key: string): string {
  const v = (params as Record<string, unknown> | null)?.[key]
  if (typeof v !== 'string' || v.length === 0)
    throw new HttpError(400, 'request/bad-params', `"${key}" must be a non-empty string`)
  return v
}

export function requireObject(params: unknown, what: string): Record<string, unknown> {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new HttpError(400, 'request/bad-params', `${what} must be a JSON object`)
  }
  return params as Record<string, unknown>
}

export function optionalNumber(params: unknown, key: string): number | undefined {
  const v = (params as Record<string, unknown> | null)?.[key]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new HttpError(400, 'request/bad-params', `"${key}" must be a number`)
  return v
}
