/**
 * The settings file's contract, as a schema: the one home of every settings rule. The types are
 * inferred from it, the store validates with it, and its issues carry the field path the
 * renderer puts its message beside. Objects are strict, so a typo, "toString" or "__proto__" is
 * an unknown key, never a silently kept one.
 */
import { z } from 'zod'

const port = z
  .int({ error: 'must be a port number 0–65535' })
  .min(0, { error: 'must be a port number 0–65535' })
  .max(65535, { error: 'must be a port number 0–65535' })
const nonEmpty = (what: string): z.ZodString =>
  z.string({ error: `must ${what}` }).refine((s) => s.trim().length > 0, { error: `must ${what}` })
const HOST_PORT = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/

const TlsSchema = z.strictObject(
  {
    certPath: nonEmpty('name the client certificate file'),
    keyPath: nonEmpty('name the client key file'),
    caPath: z.string({ error: 'must be a path or null' }).nullable().default(null),
    serverName: z.string({ error: 'must be a host name or null' }).nullable().default(null),
  },
  { error: 'must be an object or null' }
)

const temporalShape = {
  mode: z.enum(['embedded', 'remote'], { error: 'must be "embedded" or "remote"' }),
  /** Remote only: `host:port` of the frontend service. */
  address: z.string({ error: 'must be a string' }),
  namespace: nonEmpty('not be empty'),
  /** Embedded only: gRPC and Web UI ports (0 = pick a free one). */
  embeddedPort: port,
  embeddedUiPort: port,
  /** Remote only: mutual TLS files, or an API key (Temporal Cloud). */
  tls: TlsSchema.nullable(),
  apiKey: z.string({ error: 'must be a string or null' }).nullable(),
}

const retryShape = {
  initialIntervalMs: z.int({ error: 'must be an integer ≥ 10' }).min(10, { error: 'must be an integer ≥ 10' }),
  backoffCoefficient: z
    .number({ error: 'must be a number from 1 to 10' })
    .min(1, { error: 'must be a number from 1 to 10' })
    .max(10, { error: 'must be a number from 1 to 10' }),
  maximumIntervalMs: z.int({ error: 'must be an integer ≥ retry.initialIntervalMs' }),
  maximumAttempts: z
    .int({ error: 'must be an integer from 1 to 1000' })
    .min(1, { error: 'must be an integer from 1 to 1000' })
    .max(1000, { error: 'must be an integer from 1 to 1000' }),
}

const localApiShape = {
  enabled: z.boolean({ error: 'must be true or false' }),
  host: nonEmpty('not be empty'),
  port,
}

const topShape = {
  defaultSlots: z
    .int({ error: 'must be an integer from 1 to 8' })
    .min(1, { error: 'must be an integer from 1 to 8' })
    .max(8, { error: 'must be an integer from 1 to 8' }),
  previews: z.boolean({ error: 'must be true or false' }),
}

const TemporalSchema = z.strictObject(temporalShape).superRefine((t, ctx) => {
  if (t.mode === 'remote' && !HOST_PORT.test(t.address))
    ctx.addIssue({ code: 'custom', path: ['address'], message: 'must be host:port (e.g. my-ns.tmprl.cloud:7233)' })
})

const RetrySchema = z.strictObject(retryShape).superRefine((r, ctx) => {
  if (r.maximumIntervalMs < r.initialIntervalMs)
    ctx.addIssue({
      code: 'custom',
      path: ['maximumIntervalMs'],
      message: 'must be an integer ≥ retry.initialIntervalMs',
    })
})

/** A whole, valid settings file. */
export const SettingsSchema = z.strictObject({
  temporal: TemporalSchema,
  retry: RetrySchema,
  localApi: z.strictObject(localApiShape),
  ...topShape,
})

/**
 * What `settings:update` accepts: any subset, each value of the right type; `tls` is replaced
 * whole. Rules spanning fields (remote address, interval order) are checked on the merged result.
 */
export const SettingsPatchSchema = z.strictObject({
  temporal: z.strictObject(temporalShape).partial().optional(),
  retry: z.strictObject(retryShape).partial().optional(),
  localApi: z.strictObject(localApiShape).partial().optional(),
  ...z.strictObject(topShape).partial().shape,
})

export type Settings = z.infer<typeof SettingsSchema>
export type TemporalSettings = Settings['temporal']
export type SettingsPatch = z.input<typeof SettingsPatchSchema>
