/** Returns `prev` when `next` has the same items in the same order, so selectors stay referentially stable. */
export function stableArray<T>(prev: T[], next: T[]): T[] {
  if (prev.length !== next.length) return next
  for (let i = 0; i < prev.length; i++) if (prev[i] !== next[i]) return next
  return prev
}

/** Structural equality for small JSON-shaped values (server views, summaries). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
