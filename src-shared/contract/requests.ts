/**
 * The shapes of what callers send: bridge request params and REST bodies, as schemas. Types are
 * inferred from them (bridge.ts re-exports), both the IPC and HTTP layers validate with them, and
 * the SDK's request types are the same inferred types. Objects are strict: an unknown key (a typo,
 * "__proto__") is named, never ignored. Ranges that depend on state (a known server id, the batch
 * limit) stay with the service that owns them.
 */
import { z } from 'zod'
import { HISTORY_PAGE_MAX } from './limits'
import { RunStateSchema } from './runs'

const text = (what: string): z.ZodString => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` })
const id = text('a non-empty id')

/** A file as the renderer has it: name plus bytes (base64, so it survives JSON and IPC alike). */
export const IntakeFileSchema = z.strictObject({
  name: z.string({ error: 'must be the file name' }),
  dataBase64: z.string({ error: 'must be the file bytes as base64' }),
})

export const ServerInputSchema = z.strictObject({
  name: z.string({ error: 'must be a string' }),
  address: z.string({ error: 'must be the server address, e.g. http://gpu-1:8188' }),
  slots: z.number({ error: 'must be a number' }).optional(),
  tags: z.array(z.string({ error: 'must be a string' }), { error: 'must be a list of strings' }).optional(),
})

export const ServerPatchSchema = z.strictObject({
  name: z.string({ error: 'must be a string' }).optional(),
  address: z.string({ error: 'must be a string' }).optional(),
  slots: z.number({ error: 'must be a number' }).optional(),
  tags: z.array(z.string({ error: 'must be a string' }), { error: 'must be a list of strings' }).optional(),
  enabled: z.boolean({ error: 'must be true or false' }).optional(),
  draining: z.boolean({ error: 'must be true or false' }).optional(),
})

export const SeedRangeSchema = z.strictObject({
  from: z.number({ error: 'must be a number' }),
  to: z.number({ error: 'must be a number' }),
})

/** "Set input K of node N to V" (the run sheet's form, or any API client). */
export const InputEditSchema = z.strictObject({
  nodeId: id,
  input: text('an input name'),
  value: z.unknown(),
})

/** One axis of a "vary any input" grid. */
export const InputAxisSchema = z.strictObject({
  nodeId: id,
  input: text('an input name'),
  values: z.array(z.unknown(), { error: 'must be a list of values' }).min(1, { error: 'must list at least one value' }),
})

export const SubmitRequestSchema = z.strictObject({
  /** Dropped/opened files; each becomes one run (or one batch when seeds/count are set). */
  files: z.array(IntakeFileSchema, { error: 'must be a list of files' }).optional(),
  /** Pasted text (API or UI JSON). */
  text: z.string({ error: 'must be the workflow JSON as text' }).optional(),
  /** null/undefined: the scheduler picks. */
  serverId: z.string({ error: 'must be a server id or null' }).nullable().optional(),
  /** Run the same workflow N times with fresh seeds. */
  count: z.number({ error: 'must be a number' }).optional(),
  /** Run once per seed in [from, to] (inclusive). */
  seeds: SeedRangeSchema.optional(),
  priority: z.number({ error: 'must be a number' }).optional(),
  name: z.string({ error: 'must be a string' }).optional(),
  /** Inputs set before the run starts; an error's `details` names the field. */
  edits: z.array(InputEditSchema, { error: 'must be a list of {nodeId, input, value}' }).optional(),
  /** "Vary any input": one run per combination of these axes' values (a grid batch, last axis fastest). */
  vary: z.array(InputAxisSchema, { error: 'must be a list of {nodeId, input, values}' }).optional(),
})

/** `runs:inspect`: one workflow (a file or pasted text) and the server the user picked (null: any). */
export const InspectRequestSchema = z.strictObject({
  file: IntakeFileSchema.optional(),
  text: z.string({ error: 'must be the workflow JSON as text' }).optional(),
  serverId: z.string({ error: 'must be a server id or null' }).nullable().optional(),
})

export const HistoryQuerySchema = z.strictObject({
  text: z.string().optional(),
  status: z.array(RunStateSchema).optional(),
  serverId: z.string().optional(),
  model: z.string().optional(),
  /** Epoch ms, inclusive. */
  from: z.number().optional(),
  to: z.number().optional(),
  batchId: z.string().optional(),
  sort: z.enum(['newest', 'oldest'], { error: 'must be "newest" or "oldest"' }).optional(),
  /**
   * Also list runs that ended without an image (failed, cancelled) as items with `hash: null`, so a
   * gallery's failed/cancelled filters find them. Off by default: API clients that expect images get images.
   */
  withImageless: z.boolean({ error: 'must be true or false' }).optional(),
  cursor: z.string().nullable().optional(),
  /** Items per page (default 50). */
  limit: z
    .int({ error: `must be a whole number from 1 to ${HISTORY_PAGE_MAX}` })
    .min(1, { error: `must be a whole number from 1 to ${HISTORY_PAGE_MAX}` })
    .max(HISTORY_PAGE_MAX, { error: `must be a whole number from 1 to ${HISTORY_PAGE_MAX}` })
    .optional(),
})

/** Params of each request channel that takes any (the others take none). */
export const RequestParamSchemas = {
  'app:open-external': z.strictObject({ url: text('a URL') }),
  'servers:add': ServerInputSchema,
  'servers:update': z.strictObject({ id, patch: ServerPatchSchema }),
  'servers:remove': z.strictObject({ id }),
  'servers:test': z.strictObject({ address: text('the server address') }),
  'runs:submit': SubmitRequestSchema,
  'runs:inspect': InspectRequestSchema,
  'runs:list': z.strictObject({ limit: z.number({ error: 'must be a number' }).optional() }),
  'runs:get': z.strictObject({ id }),
  'runs:cancel': z.strictObject({ id }),
  'runs:rerun': z.strictObject({ id }),
  'batches:cancel': z.strictObject({ id }),
  'history:search': HistoryQuerySchema,
  'history:delete': z.strictObject({ runId: id }),
} as const

/**
 * `POST /workflow/execute`: a workflow in any intake format (`workflow` as object or string, or
 * `prompt` with `extra_data` as ComfyUI's own /prompt takes it, or files), plus batch options.
 */
export const ExecuteBodySchema = z.strictObject({
  workflow: z.unknown().optional(),
  prompt: z.unknown().optional(),
  extra_data: z.unknown().optional(),
  /** ComfyUI's /prompt field; accepted so a body meant for ComfyUI works unchanged. */
  client_id: z.string().optional(),
  file: IntakeFileSchema.optional(),
  files: z.array(IntakeFileSchema, { error: 'must be a list of files' }).optional(),
  server: z.string({ error: 'must be a server id' }).nullable().optional(),
  count: z.number({ error: 'must be a number' }).optional(),
  /** `{from, to}` or the CLI's `"a..b"`. */
  seeds: z
    .union([SeedRangeSchema, z.string().regex(/^\s*\d+\.\.\d+\s*$/)], {
      error: 'must be {"from": a, "to": b} or "a..b" (e.g. "100..199")',
    })
    .optional(),
  priority: z.number({ error: 'must be a number' }).optional(),
  name: z.string({ error: 'must be a string' }).optional(),
  wait: z.boolean({ error: 'must be true or false' }).optional(),
  timeout_s: z.number({ error: 'must be a number of seconds' }).positive({ error: 'must be above 0' }).optional(),
})

export const ServerTestBodySchema = z.strictObject({ address: text('the server address') })

export type IntakeFile = z.infer<typeof IntakeFileSchema>
export type ServerInput = z.infer<typeof ServerInputSchema>
export type ServerPatch = z.infer<typeof ServerPatchSchema>
export type SubmitRequest = z.infer<typeof SubmitRequestSchema>
export type ExecuteBody = z.infer<typeof ExecuteBodySchema>
export type HistoryQuery = z.infer<typeof HistoryQuerySchema>
export type InspectRequest = z.infer<typeof InspectRequestSchema>
