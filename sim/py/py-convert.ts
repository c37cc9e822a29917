/**
 * Python's int(), float(), str() and bool() and value comparison, on PyValues, as ComfyUI's validation
 * applies them to literal inputs (execution.py validate_inputs coerces INT/FLOAT/STRING/BOOLEAN in place).
 */
import { PyFloat, pyNumStr, pyReprString, pyStr } from './py-json'
import type { PyValue } from './py-json'

/** A Python exception (type name as ComfyUI's full_type_name prints it, and str(ex)). */
export class PyError extends Error {
  constructor(
    readonly pyType: string,
    message: string
  ) {
    super(message)
  }
}

function typeName(v: PyValue): string {
  if (v === null) return 'NoneType'
  if (Array.isArray(v)) return 'list'
  if (v instanceof Map) return 'dict'
  return typeof v
}

/** int(v) */
export function pyInt(v: PyValue): number | bigint {
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'bigint') return v
  if (typeof v === 'number' || v instanceof PyFloat) {
    const n = typeof v === 'number' ? v : v.value
    if (Number.isNaN(n)) throw new PyError('ValueError', 'cannot convert float NaN to integer')
    if (!Number.isFinite(n)) throw new PyError('OverflowError', 'cannot convert float infinity to integer')
    const t = Math.trunc(n)
    return Number.isSafeInteger(t) ? t : BigInt(t)
  }
  if (typeof v === 'string') {
    const s = v.trim()
    if (/^[+-]?\d+(_\d+)*$/.test(s)) {
      const b = BigInt(s.replace(/_/g, ''))
      return b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(b) : b
    }
    throw new PyError('ValueError', `invalid literal for int() with base 10: ${pyReprString(v)}`)
  }
  throw new PyError(
    'TypeError',
    `int() argument must be a string, a bytes-like object or a real number, not '${typeName(v)}'`
  )
}

/** float(v), as a number or a PyFloat when integral (so it is written back as "8.0"). */
export function pyFloat(v: PyValue): number | PyFloat {
  const wrap = (n: number): number | PyFloat => (Number.isInteger(n) ? new PyFloat(n) : n)
  if (typeof v === 'boolean') return new PyFloat(v ? 1 : 0)
  if (typeof v === 'number') return wrap(v)
  if (typeof v === 'bigint') return wrap(Number(v))
  if (v instanceof PyFloat) return v
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase().replace(/_/g, '')
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) return wrap(Number(s))
    if (/^[+-]?(inf|infinity)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity
    if (/^[+-]?nan$/.test(s)) return NaN
    throw new PyError('ValueError', `could not convert string to float: ${pyReprString(v)}`)
  }
  throw new PyError('TypeError', `float() argument must be a string or a real number, not '${typeName(v)}'`)
}

/** str(v) */
export function pyStrOf(v: PyValue): string {
  return pyStr(v)
}

/** bool(v) */
export function pyBool(v: PyValue): boolean {
  if (v === null) return false
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return v !== 0
  if (typeof v === 'bigint') return v !== 0n
  if (v instanceof PyFloat) return v.value !== 0
  if (typeof v === 'string') return v.length > 0
  if (Array.isArray(v)) return v.length > 0
  return v.size > 0
}

/** Numeric view for comparisons; bigint kept exact. */
function num(v: PyValue): number | bigint | undefined {
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'number' || typeof v === 'bigint') return v
  if (v instanceof PyFloat) return v.value
  return undefined
}

/** Python a < b for numbers (bigint-safe); undefined when not comparable. */
export function pyLess(a: PyValue, b: PyValue | number | bigint): boolean | undefined {
  const x = num(a)
  const y = num(b)
  if (x === undefined || y === undefined) return undefined
  if (typeof x === 'bigint' || typeof y === 'bigint') {
    if (typeof x === 'number' && !Number.isInteger(x)) return x < Number(y)
    if (typeof y === 'number' && !Number.isInteger(y)) return Number(x) < y
    return BigInt(x) < BigInt(y)
  }
  return x < y
}

/** Python a == b for the scalar values a combo can hold. */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  const x = num(a)
  const y = num(b)
  if (x !== undefined && y !== undefined) return pyLess(a, b) === false && pyLess(b, a) === false
  return a === b
}

/** str() of a number option (min/max) as Python prints it in error messages. */
export function pyOptStr(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof PyFloat) return pyNumStr(v)
  return String(v)
}
