/**
 * Turning what a user typed in the run sheet into input values, checked against the field's
 * /object_info spec the way ComfyUI checks them (whole numbers for INT, min/max, combo options),
 * so a mistake is named beside its field before anything is sent.
 */
import type { EditableField } from '../../../src-shared/contract'

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string }

/** The most values one varied input may list (a batch may hold more runs, as a product of axes). */
export const MAX_VARY_VALUES = 10_000

const fail = (error: string): Parsed => ({ ok: false, error })

/** One value for `field` from its text (checkbox state for booleans). */
export function parseFieldValue(field: EditableField, text: string): Parsed {
  switch (field.kind) {
    case 'int':
    case 'float':
      return parseNumber(field, text)
    case 'boolean':
      return { ok: true, value: text === 'true' }
    case 'combo':
      if (field.options && !field.options.includes(text))
        return fail(`${JSON.stringify(text)} is not one of the ${field.options.length} options`)
      return { ok: true, value: text }
    case 'string':
      return { ok: true, value: text }
  }
}

function parseNumber(field: EditableField, text: string): Parsed {
  const t = text.trim()
  if (t === '') return fail('a number is needed')
  const n = Number(t)
  if (!Number.isFinite(n)) return fail(`${JSON.stringify(t)} is not a number`)
  if (field.kind === 'int' && !Number.isSafeInteger(n)) return fail(`${t} is not a whole number`)
  if (field.min !== undefined && n < field.min) return fail(`${t} is smaller than the minimum ${field.min}`)
  if (field.max !== undefined && n > field.max) return fail(`${t} is bigger than the maximum ${field.max}`)
  return { ok: true, value: n }
}

const RANGE = /^(-?[\d.]+(?:e[+-]?\d+)?)\s*\.\.\s*(-?[\d.]+(?:e[+-]?\d+)?)(?:\s+step\s+([\d.]+(?:e[+-]?\d+)?))?$/i

/**
 * The values of a varied input. Numbers: a comma-separated list whose items may be ranges, `10..20`
 * (inclusive) or `1..2 step 0.25`. Text and combos: one value per line (prompts contain commas).
 */
export function parseVaryValues(field: EditableField, text: string): { ok: true; values: unknown[] } | Parsed {
  const numeric = field.kind === 'int' || field.kind === 'float'
  const items = (numeric ? text.split(',') : text.split('\n')).map((s) => s.trim()).filter((s) => s !== '')
  if (items.length === 0) return fail(numeric ? 'list values (1, 2, 3) or a range (1..10)' : 'one value per line')
  const values: unknown[] = []
  for (const item of items) {
    const range = numeric ? RANGE.exec(item) : null
    const parts = range ? expandRange(field, range) : [item]
    if (typeof parts === 'string') return fail(parts)
    for (const part of parts) {
      const v = parseFieldValue(field, String(part))
      if (!v.ok) return fail(`${item}: ${v.error}`)
      values.push(v.value)
      if (values.length > MAX_VARY_VALUES) return fail(`more than ${MAX_VARY_VALUES} values`)
    }
  }
  return { ok: true, values }
}

function expandRange(field: EditableField, m: RegExpExecArray): number[] | string {
  const from = Number(m[1])
  const to = Number(m[2])
  const step = m[3] !== undefined ? Number(m[3]) : 1
  if (![from, to, step].every(Number.isFinite) || step <= 0) return `${m[0]} is not a range like 1..10 or 1..2 step 0.5`
  if (to < from) return `${m[0]}: the range must go up (from ≤ to)`
  if ((to - from) / step + 1 > MAX_VARY_VALUES) return `${m[0]} has more than ${MAX_VARY_VALUES} values`
  const out: number[] = []
  // Counting steps (not adding them up) keeps 0.1-steps from drifting past `to`.
  for (let i = 0; from + i * step <= to + step * 1e-9; i++) out.push(round(from + i * step, field.kind === 'int'))
  return out
}

const round = (n: number, whole: boolean): number => (whole ? Math.round(n) : Math.round(n * 1e6) / 1e6)

/** The text a field's value is edited as. */
export function fieldText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

/** ComfyUI's seed widget takes 0…2^64-1; a random seed stays within what JS numbers hold exactly. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 48)
}

/** True for the inputs ComfyUI treats as seeds (they get fixed / random / vary). */
export const isSeedField = (f: EditableField): boolean =>
  f.kind === 'int' && (f.input === 'seed' || f.input === 'noise_seed')
