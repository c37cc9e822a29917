/**
 * Turning schema issues into what crosses a boundary: one `{ path, message }` per problem, the
 * path dotted (`temporal.address`, `files.0.name`) so the renderer can put the message beside its
 * field and a script's user can find the value. Unknown keys become one issue per key.
 */
import type { z } from 'zod'

export interface FieldIssue {
  /** Dotted field path; '' for the value as a whole. */
  path: string
  message: string
  /** True when the key itself is not part of the contract. */
  unknownKey?: true
}

const dotted = (path: readonly PropertyKey[]): string => path.map(String).join('.')

export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({
        path: dotted([...issue.path, key]),
        message: 'is not a known key',
        unknownKey: true,
      }))
    return [{ path: dotted(issue.path), message: issue.message }]
  })
}

/** "temporal.address must be host:port; defaultSlots must be …" — one sentence for logs and the CLI. */
export const describeIssues = (issues: readonly FieldIssue[], what = 'the value'): string =>
  issues.map((i) => `${i.path || what} ${i.message}`).join('; ')

/**
 * A parse-time error map that words a missing field as "is missing" rather than zod's "Invalid input:
 * expected string, received undefined"; every other issue keeps its schema's message.
 */
export const missingFieldWording = (issue: { input?: unknown; code?: string }): string | undefined =>
  issue.input === undefined && issue.code === 'invalid_type' ? 'is missing' : undefined
