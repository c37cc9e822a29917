import { err, ok } from '../../src-shared/contract/result'
import type { Result } from '../../src-shared/contract/result'
import { INTAKE_ERRORS } from '../../src-shared/contract/intake'

/** Deeper than any real workflow (they stay under ~12); stops pathological input before recursive code sees it. */
export const MAX_JSON_DEPTH = 128

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Decodes bytes as strict UTF-8 (BOM stripped), or null when they are not text. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    const text = utf8.decode(bytes)
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  } catch {
    return null
  }
}

/**
 * Parses JSON as ComfyUI writes it. Python's `json.dumps` emits bare `NaN`/`Infinity` (the frontend ships
 * `with_nan_metadata` fixtures for that), which JSON.parse refuses, so those tokens become null on a retry.
 * `what` names the thing in the error message ("file", "PNG 'prompt' chunk").
 */
export function parseJsonText(text: string, what: string): Result<unknown> {
  if (text.trim() === '') return err(INTAKE_ERRORS.emptyFile, `The ${what} is empty.`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (first) {
    try {
      value = JSON.parse(replacePythonNumbers(text))
    } catch {
      const reason = first instanceof Error ? first.message.slice(0, 200) : 'invalid JSON'
      return err(INTAKE_ERRORS.notJson, `The ${what} is not valid JSON (${reason}).`)
    }
  }
  const depth = jsonDepthExceeds(value, MAX_JSON_DEPTH)
  if (depth) {
    return err(INTAKE_ERRORS.tooDeep, `The ${what} nests deeper than ${MAX_JSON_DEPTH} levels; no workflow does.`)
  }
  return ok(value)
}

/** Replaces bare NaN / Infinity / -Infinity tokens outside strings with null, in one linear pass. */
function replacePythonNumbers(text: string): string {
  let out = ''
  let last = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
      continue
    }
    if (c === 0x22) {
      inString = true
      continue
    }
    for (const token of ['-Infinity', 'Infinity', 'NaN']) {
      if (text.startsWith(token, i)) {
        out += text.slice(last, i) + 'null'
        i += token.length - 1
        last = i + 1
        break
      }
    }
  }
  return out + text.slice(last)
}

/** True when `value` nests deeper than `limit` (iterative, so it cannot overflow the stack itself). */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 0 }]
  while (stack.length > 0) {
    const { v, d } = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    if (d >= limit) return true
    const children = Array.isArray(v) ? v : Object.values(v)
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push({ v: child, d: d + 1 })
    }
  }
  return false
}

/** Plain-object check that excludes arrays and null. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
