type Plain = Record<string, unknown>

const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Merge a partial patch into a base object. Objects merge key by key; anything else (arrays,
 * null, scalars) replaces. Unknown keys are kept, as own keys, so validation can name them.
 */
export function deepMerge<T>(base: T, patch: unknown): T {
  if (!isPlain(base) || !isPlain(patch)) return (patch === undefined ? base : patch) as T
  const out: Plain = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    const merged = isPlain(value) && isPlain(out[key]) ? deepMerge(out[key], value) : value
    // Defined, not assigned: a "__proto__" key stays an own key the strict schema then refuses,
    // instead of silently becoming the object's prototype.
    Object.defineProperty(out, key, { value: merged, enumerable: true, writable: true, configurable: true })
  }
  return out as T
}
