/**
 * A run's shapes as the API answers them, as schemas: the one home of each answer's shape. The types
 * are inferred from the schemas, and the SDK parses the local API's answers with them, so a malformed
 * answer is an error naming its field path rather than a wrong value deep in a script.
 *
 * Answer schemas are plain (not strict) objects: an older SDK must keep working against a newer
 * server that adds a field, so an unknown key is dropped rather than refused.
 */
import { z } from 'zod'
import { ServerConfigSchema } from './servers'

export const RunStateSchema = z.enum(['pending', 'queued', 'running', 'completed', 'failed', 'cancelled'], {
  error: 'must be a run state',
})
export const NodeStateSchema = z.enum(['pending', 'cached', 'running', 'done', 'error'], {
  error: 'must be a node state',
})

export const ApiNodeSchema = z.object({
  class_type: z.string(),
  inputs: z.record(z.string(), z.unknown()),
  _meta: z.object({ title: z.string().optional() }).optional(),
})

/** A ComfyUI API-format prompt: node id → node. */
export const ApiPromptSchema = z.record(z.string(), ApiNodeSchema)

/** Where an output image lives in the content-addressed cache. */
export const OutputRefSchema = z.object({
  /** sha256 of the file bytes, hex. */
  hash: z.string(),
  nodeId: z.string(),
  /** Name and place the server gave it (metadata only, never used as a path). */
  filename: z.string(),
  subfolder: z.string(),
  type: z.enum(['output', 'temp', 'input']),
  format: z.string(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  bytes: z.number(),
})

export const RunErrorInfoSchema = z.object({
  kind: z.enum(['validation', 'execution', 'unavailable', 'cancelled', 'internal']),
  message: z.string(),
  nodeId: z.string().optional(),
  classType: z.string().optional(),
  exceptionType: z.string().optional(),
  /** Per-node validation errors as ComfyUI reports them. */
  nodeErrors: z.record(z.string(), z.object({ classType: z.string(), messages: z.array(z.string()) })).optional(),
})

/** A node's step progress as ComfyUI reports it (`value` of `max` steps). */
export const NodeProgressSchema = z.object({ value: z.number(), max: z.number() })

/** A node's state and timings, with its last step progress while it had one. */
export const NodeStatusSchema = z.object({
  state: NodeStateSchema,
  class_type: z.string(),
  started_at: z.number().optional(),
  finished_at: z.number().optional(),
  ...NodeProgressSchema.partial().shape,
  error: z.string().optional(),
})

/**
 * The answer of the public `get_status` query. snake_case because it is a public shape that
 * Python scripts and AI agents read (the seed gateway's `state['current_node']`).
 */
export const RunStatusSchema = z.object({
  run_id: z.string(),
  status: RunStateSchema,
  server: ServerConfigSchema.pick({ id: true, name: true, address: true }).nullable(),
  prompt_id: z.string().nullable(),
  attempt: z.number(),
  current_node: z.object({ id: z.string(), class_type: z.string() }).nullable(),
  /** 0–1 over the whole graph. */
  progress: z.number(),
  node_progress: NodeProgressSchema.nullable(),
  nodes: z.record(z.string(), NodeStatusSchema),
  started_at: z.number().nullable(),
  finished_at: z.number().nullable(),
  error: RunErrorInfoSchema.nullable(),
  outputs: z.array(OutputRefSchema),
})

/** One ComfyUI event seen by a run (`get_events`), without image bytes. */
export const RunEventSchema = z.object({
  type: z.string(),
  time: z.number(),
  data: z.record(z.string(), z.unknown()),
})

export type RunState = z.infer<typeof RunStateSchema>
export type NodeState = z.infer<typeof NodeStateSchema>
export type ApiNode = z.infer<typeof ApiNodeSchema>
export type ApiPrompt = z.infer<typeof ApiPromptSchema>
export type OutputRef = z.infer<typeof OutputRefSchema>
export type RunErrorInfo = z.infer<typeof RunErrorInfoSchema>
export type NodeStatus = z.infer<typeof NodeStatusSchema>
export type RunStatus = z.infer<typeof RunStatusSchema>
export type RunEvent = z.infer<typeof RunEventSchema>

export interface RetryPolicyInput {
  initialIntervalMs?: number
  backoffCoefficient?: number
  maximumIntervalMs?: number
  maximumAttempts?: number
}

export interface RunOptions {
  /** Lower runs first (1..5, default 3), as Temporal's priority keys. */
  priority?: number
  retry?: RetryPolicyInput
  /** Restrict to these server ids (empty/undefined: any capable server). */
  servers?: string[]
}
