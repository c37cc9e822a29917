/** A user-readable message from anything thrown (bridge failures, bugs). */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message
  return typeof e === 'string' ? e : 'Unknown error'
}
