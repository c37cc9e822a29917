/**
 * The shapes of what the core answers, as schemas: bridge request results and the local REST API's
 * JSON answers (requests.ts is the other half: what callers send). Types are inferred from them
 * (bridge.ts re-exports), and the SDK parses every REST answer with them, so a malformed answer from
 * a server is an error naming the field path. Answers are plain objects (see runs.ts): a field a newer
 * server adds is dropped, not refused.
 */
import { z } from 'zod'
import { FarmServerSchema } from './farm'
import {
  ApiPromptSchema,
  NodeProgressSchema,
  NodeStatusSchema,
  OutputRefSchema,
  RunErrorInfoSchema,
  RunEventSchema,
  RunStateSchema,
  RunStatusSchema,
} from './runs'
import { ServerViewSchema } from './servers'

export const SubmitResultSchema = z.object({
  runIds: z.array(z.string()),
  batchIds: z.array(z.string()),
})

export const RunSummarySchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  name: z.string(),
  status: RunStateSchema,
  serverId: z.string().nullable(),
  serverName: z.string().nullable(),
  gpu: z.string().nullable(),
  /** 0–1 over the whole graph. */
  progress: z.number(),
  currentNode: z.object({ id: z.string(), classType: z.string() }).nullable(),
  nodeProgress: NodeProgressSchema.nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  batchId: z.string().nullable(),
  error: RunErrorInfoSchema.nullable(),
  /** First output image, for thumbnails. */
  thumbHash: z.string().nullable(),
  positive: z.string().nullable(),
  negative: z.string().nullable(),
  seed: z.number().nullable(),
  models: z.array(z.string()),
  outputsCount: z.number(),
})

export const RunDetailSchema = RunSummarySchema.extend({
  prompt: ApiPromptSchema,
  /** The UI-format workflow, when the run came from one. */
  workflow: z.unknown(),
  nodes: z.record(z.string(), NodeStatusSchema),
  /** Display names from /object_info (falls back to class_type), keyed by node id. */
  nodeTitles: z.record(z.string(), z.string()),
  outputs: z.array(OutputRefSchema),
  events: z.array(RunEventSchema),
  temporalUrl: z.string().nullable(),
})

export const BatchSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  total: z.number(),
  completed: z.number(),
  failed: z.number(),
  cancelled: z.number(),
  running: z.number(),
  status: RunStateSchema,
  createdAt: z.number(),
})

const image = OutputRefSchema.shape

/**
 * An image in the history, or (hash null) a run that ended without one: failed or cancelled. The image's
 * fields are its output reference's (null without an image), the run's are its summary's.
 */
export const HistoryItemSchema = RunSummarySchema.pick({
  status: true,
  positive: true,
  models: true,
  serverName: true,
  seed: true,
}).extend({
  runId: z.string(),
  hash: image.hash.nullable(),
  nodeId: image.nodeId.nullable(),
  width: image.width,
  height: image.height,
  format: image.format.nullable(),
  /** Why a run failed (runs without an image only). */
  errorMessage: RunErrorInfoSchema.shape.message.nullable(),
  createdAt: z.number(),
})

export const HistoryPageSchema = z.object({
  items: z.array(HistoryItemSchema),
  nextCursor: z.string().nullable(),
  /** Exactly how many items the query matches (first page only; null on later pages). */
  total: z.number().nullable(),
})

export const ServerTestResultSchema = z.object({
  device: z.string().nullable(),
  comfyuiVersion: z.string().nullable(),
  latencyMs: z.number(),
})

/** A removed server: the runs that were on it and were moved to other servers (a running one starts over). */
export const ServerRemovalSchema = z.object({ moved: z.array(z.string()) })

// ---- REST-only answers (the bridge answers the same facts in camelCase, above) ----

/**
 * `POST /workflow/execute` answered 202: what was started. snake_case, like every answer the REST API
 * shapes itself, for the Python scripts and agents that read it. `message` when a `wait` ran out.
 */
export const ExecuteStartedSchema = z.object({
  run_ids: z.array(z.string()),
  batch_ids: z.array(z.string()),
  status_urls: z.array(z.string()),
  message: z.string().optional(),
})

/** An output image with where to get it: a path in this machine's cache (null if evicted) and URLs. */
export const ResultImageSchema = OutputRefSchema.extend({
  path: z.string().nullable(),
  url: z.string(),
  thumb_url: z.string(),
})

/** `GET /workflow/result/:id`, and `POST /workflow/execute` answered 200 (it waited for the run). */
export const RunResultSchema = z.object({
  run_id: z.string(),
  status: RunStateSchema,
  error: RunErrorInfoSchema.nullable(),
  images: z.array(ResultImageSchema),
  /** The whole run: its prompt, UI workflow, node states and events. */
  run: RunDetailSchema,
})

export const LoginLinkSchema = z.object({ url: z.string() })

/** Every refusal: `{ error: { code, message, details? } }` with a fitting HTTP status. */
export const ApiErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
})

const answerSchemas = {
  'GET /servers': z.array(ServerViewSchema),
  'POST /servers': ServerViewSchema,
  'POST /servers/test': ServerTestResultSchema,
  'PATCH /servers/:id': ServerViewSchema,
  'DELETE /servers/:id': ServerRemovalSchema,
  'GET /farm/servers': z.array(FarmServerSchema),
  'POST /workflow/execute': z.union([RunResultSchema, ExecuteStartedSchema]),
  'GET /workflow/status/:id': RunStatusSchema,
  'GET /workflow/result/:id': RunResultSchema,
  'GET /workflow/events/:id': z.array(RunEventSchema),
  'POST /workflow/cancel/:id': z.null(),
  'POST /workflow/rerun/:id': SubmitResultSchema,
  'GET /runs': z.array(RunSummarySchema),
  'GET /batches': z.array(BatchSummarySchema),
  'POST /batches/:id/cancel': z.null(),
  'GET /history': HistoryPageSchema,
  'DELETE /history/:id': z.null(),
  'POST /auth/login-link': LoginLinkSchema,
} as const

export type RestRoute = keyof typeof answerSchemas
export type RestAnswer<R extends RestRoute> = z.infer<(typeof answerSchemas)[R]>

/**
 * Each REST route's answer (on success): the SDK parses with these, and the routes are typed by them
 * (rest-routes.ts). `null` answers (cancel, delete) are `z.null()`. Typed as a mapped type so that a
 * caller generic in the route (the SDK's `call`) gets the schema of exactly that route's answer.
 */
export const RestAnswerSchemas: { readonly [R in RestRoute]: z.ZodType<RestAnswer<R>> } = answerSchemas

/** A route key's method and path pattern: `'GET /runs'` → `{ method: 'GET', path: '/runs' }`. */
export function splitRoute(route: RestRoute): { method: string; path: string } {
  const space = route.indexOf(' ')
  return { method: route.slice(0, space), path: route.slice(space + 1) }
}

export type SubmitResult = z.infer<typeof SubmitResultSchema>
export type RunSummary = z.infer<typeof RunSummarySchema>
export type RunDetail = z.infer<typeof RunDetailSchema>
export type BatchSummary = z.infer<typeof BatchSummarySchema>
export type HistoryItem = z.infer<typeof HistoryItemSchema>
export type HistoryPage = z.infer<typeof HistoryPageSchema>
export type ServerTestResult = z.infer<typeof ServerTestResultSchema>
export type ServerRemoval = z.infer<typeof ServerRemovalSchema>
export type ExecuteStarted = z.infer<typeof ExecuteStartedSchema>
export type ResultImage = z.infer<typeof ResultImageSchema>
export type RunResult = z.infer<typeof RunResultSchema>
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>
