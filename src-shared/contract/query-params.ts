/**
 * The REST API's query strings, as schemas: the routes parse `?limit=…&status=…` with them (a bad
 * value is a 400 naming the parameter), and the SDK writes its queries with the encoder beside them,
 * so a parameter's name is spelt in one place. Query objects are strict: an unknown parameter (a typo)
 * is named, never ignored.
 */
import { z } from 'zod'
import { HistoryQuerySchema, type HistoryQuery } from './requests'
import { RunStateSchema, type RunState } from './runs'

const wholeNumber = z
  .string()
  .regex(/^-?\d+$/, { error: 'must be a whole number' })
  .transform(Number)
const seconds = z
  .string()
  .regex(/^\d+(\.\d+)?$/, { error: 'must be a number of seconds >= 0' })
  .transform(Number)

/** `status=failed,cancelled`: each name a run state (the CLI's `--status` too). */
export const RunStatesParamSchema = z.string().transform((text, ctx) => {
  const names = text.split(',').filter(Boolean)
  const isState = (n: string): n is RunState => RunStateSchema.safeParse(n).success
  const bad = names.filter((n) => !isState(n))
  if (bad.length > 0)
    ctx.addIssue({
      code: 'custom',
      message: `must be run states separated by commas (${RunStateSchema.options.join(', ')}), not ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
    })
  return names.filter(isState)
})

/** A GET route that takes no query parameters. */
export const NoQuerySchema = z.strictObject({})

/** `GET /runs?limit=N`. */
export const RunsQuerySchema = z.strictObject({ limit: wholeNumber.optional() })

/** `GET /workflow/result/:id?wait_s=N`: hold the answer until the run has finished or N seconds passed. */
export const ResultQuerySchema = z.strictObject({ wait_s: seconds.optional() })

/** Each {@link HistoryQuery} field and the query parameter that carries it. */
const HISTORY_PARAMS = {
  text: 'q',
  status: 'status',
  serverId: 'server',
  model: 'model',
  from: 'from',
  to: 'to',
  batchId: 'batch',
  sort: 'sort',
  cursor: 'cursor',
  limit: 'limit',
  withImageless: 'with_imageless',
} as const satisfies Record<keyof HistoryQuery, string>

/**
 * `GET /history?q=…&status=…&limit=…`, parsed into the bridge's {@link HistoryQuery} and then checked by
 * its schema, the one home of each field's rule (e.g. `limit`'s range).
 */
export const HistoryQueryParamsSchema = z
  .strictObject({
    q: z.string().optional(),
    /** The older name of `q`, still accepted. */
    search: z.string().optional(),
    status: RunStatesParamSchema.optional(),
    server: z.string().optional(),
    model: z.string().optional(),
    /** Epoch ms, inclusive. */
    from: wholeNumber.optional(),
    to: wholeNumber.optional(),
    batch: z.string().optional(),
    sort: z.enum(['newest', 'oldest'], { error: 'must be "newest" or "oldest"' }).optional(),
    cursor: z.string().optional(),
    limit: wholeNumber.optional(),
    with_imageless: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .transform((v) => v === 'true')
      .optional(),
  })
  .transform((p): HistoryQuery => {
    const query: Record<string, unknown> = {}
    for (const [field, param] of Object.entries(HISTORY_PARAMS)) {
      const value = param === 'q' ? (p.q ?? p.search) : p[param]
      if (value !== undefined) query[field] = value
    }
    // Key by key from the parameters parsed above; HistoryQuerySchema, next, checks each field.
    return query
  })
  .pipe(HistoryQuerySchema)

/** The query string the history route parses with {@link HistoryQueryParamsSchema}. */
export function historyQueryString(query: HistoryQuery): string {
  const q = new URLSearchParams()
  for (const [field, param] of Object.entries(HISTORY_PARAMS)) {
    const value = query[field as keyof HistoryQuery]
    if (value === undefined || value === null || value === '') continue
    if (Array.isArray(value) && value.length === 0) continue
    q.set(param, Array.isArray(value) ? value.join(',') : String(value))
  }
  return q.toString()
}
