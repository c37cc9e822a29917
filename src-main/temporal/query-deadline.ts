/**
 * The deadline of the queries main makes on its own: the farm's servers (each claim's `get_server`) and
 * the trackers' polls (a remote run's `get_status`, a batch's counts). A query to a workflow whose worker
 * was just killed waits on that worker's sticky queue until Temporal gives up on it (about 10 s), and one
 * with no worker left waits longer still: a poll held by it stalls every run behind it, and a submit
 * waiting on the farm's servers stalls the user. Queries a user asked for (REST, SDK, the CLI) keep
 * Temporal's own timeout: there a late true answer beats an error.
 */
import type { Client } from '@temporalio/client'

export const QUERY_DEADLINE_MS = 2_000

/** Runs `fn`'s Temporal calls with the deadline; past it they fail (gRPC DEADLINE_EXCEEDED). */
export function withQueryDeadline<T>(client: Client, fn: () => Promise<T>): Promise<T> {
  return client.withDeadline(Date.now() + QUERY_DEADLINE_MS, fn)
}
