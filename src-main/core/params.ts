import type { z } from 'zod'
import type { RequestChannel } from '../../src-shared/contract'
import { describeIssues, fieldIssues, RequestParamSchemas } from '../../src-shared/contract'
import { HttpError } from '../api/http-util'
import type { BridgeHandlers } from './bridge-handlers'

/**
 * Untrusted input (HTTP JSON, IPC structured clones) through its contract schema: the parsed value,
 * or a 400 `request/bad-params` whose details list every issue with its field path.
 */
export function parseParams<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value)
  if (r.success) return r.data
  const issues = fieldIssues(r.error)
  throw new HttpError(400, 'request/bad-params', `${what}: ${describeIssues(issues)}`, { issues })
}

type AnyHandler = (params: unknown) => Promise<unknown>

/**
 * Every channel with a params schema gets its params checked before its handler runs, so the
 * IPC layer and the HTTP bridge validate in one place. A missing params object is `{}`.
 */
export function withParamChecks(handlers: BridgeHandlers): BridgeHandlers {
  const out: Record<string, AnyHandler> = { ...(handlers as unknown as Record<string, AnyHandler>) }
  for (const [channel, schema] of Object.entries(RequestParamSchemas)) {
    const inner = handlers[channel as RequestChannel] as AnyHandler
    // async: a refusal is a rejected promise, like any other handler failure.
    out[channel] = async (params) => inner(parseParams(schema, params ?? {}, `Params of ${channel}`))
  }
  // Same keys as the input, each wrapped with the same signature: the cast only restores the map type.
  return out as unknown as BridgeHandlers
}
