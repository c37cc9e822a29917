/** Returns a copy of `obj` with the value at a dotted path replaced (creating objects on the way). */
export function setPath<T extends object>(obj: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.')
  if (head === undefined) return obj
  const src = obj as Record<string, unknown>
  const child = src[head]
  const next =
    rest.length === 0 ? value : setPath(child && typeof child === 'object' ? child : {}, rest.join('.'), value)
  return { ...src, [head]: next } as T
}

/** Reads the value at a dotted path, or undefined. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj
  for (const key of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[key]
  }
  return cur
}
