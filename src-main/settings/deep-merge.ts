type Plain = Record<string, unknown>

const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Merge a partial patch into a base object. Objects merge key by key; anything else (arrays,
 * null, scalars) replaces. Unknown keys are kept so validation can name them.
 */
export function deepMerge<T>(base: T, patch: unknown): T {
  if (!isPlain(base) || !isPlain(patch)) return (patch === undefined ? base : patch) as T
  const out: Plain = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    out[key] = isPlain(value) && isPlain(out[key]) ? deepMerge(out[key], value) : value
  }
  return out as T
}

/** Keys of `value` that do not exist in `shape` (dotted paths), so typos are refused, not ignored. */
export function unknownKeys(shape: unknown, value: unknown, prefix = ''): string[] {
  if (!isPlain(shape) || !isPlain(value)) return []
  return Object.keys(value).flatMap((key) => {
    const path = prefix ? `${prefix}.${key}` : key
    if (!(key in shape)) return [path]
    return unknownKeys(shape[key], value[key], path)
  })
}
