/**
 * Simulator control endpoints under /__sim/ (a path ComfyUI never uses). They bypass the hang and slow
 * faults so a test or a human can always reach them.
 *
 *   GET  /__sim/stats                 → SimStats
 *   GET  /__sim/faults                → current SimFaults
 *   POST /__sim/faults {…}            → merge into faults (partial SimFaults), answers the result
 *   POST /__sim/faults/clear          → no faults
 *   POST /__sim/crash {restartAfterMs?}   → answer, then crash (and restart after the delay if given)
 *   POST /__sim/restart               → answer, then restart (queue + history lost)
 *   POST /__sim/drop-ws               → close every WebSocket
 *   POST /__sim/reset-stats           → zero the counters
 */
import type { SimServer } from '../server'
import { noFaults, type SimFaults } from '../types'
import type { Route, RouteContext } from './comfy-routes'
import { json } from './http-util'

async function jsonObject(ctx: RouteContext): Promise<Record<string, unknown>> {
  const text = (await ctx.body()).toString('utf8').trim()
  if (!text) return {}
  const v = JSON.parse(text) as unknown
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('expected a JSON object')
  return v as Record<string, unknown>
}

/**
 * Validate a partial SimFaults from JSON; throws with a clear message on bad input. Each fault's kind is
 * that of its default in noFaults(), so a new fault needs no second list here.
 */
export function parseFaults(v: Record<string, unknown>): Partial<SimFaults> {
  const defaults = noFaults()
  // Filled key by key from checked values: each key's value type is checked against its default's below.
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) {
    if (!Object.hasOwn(defaults, k))
      throw new Error(`unknown fault "${k}" (known: ${Object.keys(defaults).join(', ')})`)
    const key = k as keyof SimFaults
    if (key === 'errorAtNode') out[key] = parseErrorAtNode(x)
    else if (typeof defaults[key] === 'boolean') {
      if (typeof x !== 'boolean') throw new Error(`fault "${k}" must be a boolean`)
      out[key] = x
    } else {
      if (typeof x !== 'number' || x < 0) throw new Error(`fault "${k}" must be a number >= 0`)
      out[key] = x
    }
  }
  return out
}

function parseErrorAtNode(x: unknown): SimFaults['errorAtNode'] {
  if (x === null) return null
  const e = x as Record<string, unknown>
  if (typeof e !== 'object' || typeof e.exceptionType !== 'string' || typeof e.message !== 'string')
    throw new Error('fault "errorAtNode" needs exceptionType and message strings')
  if (typeof e.classType !== 'string' && typeof e.nodeId !== 'string')
    throw new Error('fault "errorAtNode" needs classType or nodeId')
  return {
    exceptionType: e.exceptionType,
    message: e.message,
    ...(typeof e.classType === 'string' ? { classType: e.classType } : {}),
    ...(typeof e.nodeId === 'string' ? { nodeId: e.nodeId } : {}),
  }
}

function later(fn: () => Promise<void>): void {
  // Let the reply flush before the port goes away.
  setTimeout(() => void fn().catch(() => undefined), 20)
}

/** The /__sim/ routes of one server. */
export function controlRoutes(server: SimServer): Route[] {
  const guard =
    (fn: (ctx: RouteContext) => Promise<ReturnType<typeof json>> | ReturnType<typeof json>) =>
    async (ctx: RouteContext) => {
      try {
        return await fn(ctx)
      } catch (ex) {
        return json({ error: ex instanceof Error ? ex.message : String(ex) }, 400)
      }
    }
  return [
    { method: 'GET', path: '/__sim/stats', handler: () => json(server.stats()) },
    { method: 'GET', path: '/__sim/faults', handler: () => json(server.faults()) },
    {
      method: 'POST',
      path: '/__sim/faults',
      handler: guard(async (ctx) => {
        server.setFaults(parseFaults(await jsonObject(ctx)))
        return json(server.faults())
      }),
    },
    {
      method: 'POST',
      path: '/__sim/faults/clear',
      handler: () => {
        server.clearFaults()
        return json(server.faults())
      },
    },
    {
      method: 'POST',
      path: '/__sim/crash',
      handler: guard(async (ctx) => {
        const body = await jsonObject(ctx)
        const after = body.restartAfterMs
        if (after !== undefined && (typeof after !== 'number' || after < 0))
          throw new Error('"restartAfterMs" must be a number >= 0')
        later(async () => {
          await server.crash()
          if (typeof after === 'number') setTimeout(() => void server.restart().catch(() => undefined), after)
        })
        return json({ crashing: true, restartAfterMs: after ?? null })
      }),
    },
    {
      method: 'POST',
      path: '/__sim/restart',
      handler: () => {
        later(() => server.restart())
        return json({ restarting: true })
      },
    },
    {
      method: 'POST',
      path: '/__sim/drop-ws',
      handler: () => {
        server.dropWebSockets()
        return json({ dropped: true })
      },
    },
    {
      method: 'POST',
      path: '/__sim/reset-stats',
      handler: () => {
        server.resetStats()
        return json(server.stats())
      },
    },
  ]
}
