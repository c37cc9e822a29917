/**
 * Python-compatible JSON for the simulator.
 *
 * ComfyUI is a Python server: every JSON body, WebSocket frame and PNG text chunk it writes comes from
 * `json.dumps` (separators ", " and ": ", non-ASCII escaped as lowercase \uXXXX, floats written with ".0",
 * dict keys in insertion order). JavaScript's JSON loses three of those facts on the way in: integral floats
 * (`8.0` becomes `8`), integers above 2^53, and the order of integer-like object keys ("10" before "9").
 * So client-supplied data (the prompt, extra_data) is parsed with {@link parsePyJson} into {@link PyValue}s
 * that keep them, and everything the simulator sends is written with {@link pyDumps}.
 */

/** A Python float whose value is integral (so it must be written as `8.0`, not `8`). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A value as Python's json.loads would produce it. Objects are Maps so key order is kept. */
export type PyValue = null | boolean | number | bigint | string | PyFloat | PyValue[] | PyDict
/** A Python dict: insertion-ordered string keys. */
export type PyDict = Map<string, PyValue>

/** Anything pyDumps can write: PyValues plus plain JS objects (own keys in JS order) for our own replies. */
export type Dumpable =
  | null
  | undefined
  | boolean
  | number
  | bigint
  | string
  | PyFloat
  | readonly Dumpable[]
  | ReadonlyMap<string, Dumpable>
  // Plain objects (interfaces such as SimStats have no index signature, so `object` is used here):
  // their own enumerable keys are written in JS order, values recursively.
  | object

/** True for a JS number that Python would hold as a float (non-integral, or not finite). */
export function isPyFloatNumber(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v))
}

/** The numeric value of a Python int/float, or undefined for anything else (bool excluded). */
export function pyNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v
  if (v instanceof PyFloat) return v.value
  if (typeof v === 'bigint') return Number(v)
  return undefined
}

/** Python's repr() of a float. */
export function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return 'NaN'
  if (n === Infinity) return 'Infinity'
  if (n === -Infinity) return '-Infinity'
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0'
  // toExponential() without an argument gives the shortest round-trip digits, like Python's repr.
  const [mant = '0', expStr = '0'] = n.toExponential().split('e')
  const exp = Number(expStr)
  const neg = mant.startsWith('-')
  const digits = mant.replace('-', '').replace('.', '')
  const sign = neg ? '-' : ''
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    const e = Math.abs(exp).toString().padStart(2, '0')
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0')
  const frac = digits.slice(exp + 1)
  return `${sign}${intPart}.${frac || '0'}`
}

/** Python's str() of an int or float value as held in a PyValue. */
export function pyNumStr(v: number | bigint | PyFloat): string {
  if (typeof v === 'bigint') return v.toString()
  if (v instanceof PyFloat) return pyFloatRepr(v.value)
  return Number.isInteger(v) ? intStr(v) : pyFloatRepr(v)
}

function intStr(n: number): string {
  // Integers beyond 2^53 can only arrive as bigint; a JS integer number prints without exponent here.
  return Math.abs(n) >= 1e21 ? BigInt(n).toString() : n.toString()
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
}

/** json.dumps of a string with ensure_ascii=True. */
export function pyDumpString(s: string): string {
  let out = '"'
  let start = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) continue
    out += s.slice(start, i)
    const ch = s[i] ?? ''
    out += ESCAPES[ch] ?? (c === 0x7f ? ch : `\\u${c.toString(16).padStart(4, '0')}`)
    start = i + 1
  }
  return out + s.slice(start) + '"'
}

/** json.dumps(value) with Python's default separators and ensure_ascii. */
export function pyDumps(value: Dumpable): string {
  if (value === null || value === undefined) return 'null'
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      return Number.isInteger(value) ? intStr(value) : pyFloatRepr(value)
    case 'bigint':
      return value.toString()
    case 'string':
      return pyDumpString(value)
  }
  if (value instanceof PyFloat) return pyFloatRepr(value.value)
  if (Array.isArray(value)) {
    const arr = value as readonly Dumpable[]
    return arr.length === 0 ? '[]' : `[${arr.map((v) => pyDumps(v)).join(', ')}]`
  }
  const parts: string[] = []
  if (value instanceof Map) {
    for (const [k, v] of value as ReadonlyMap<string, Dumpable>) parts.push(`${pyDumpString(k)}: ${pyDumps(v)}`)
  } else {
    for (const [k, v] of Object.entries(value) as Array<[string, Dumpable]>) {
      if (v !== undefined) parts.push(`${pyDumpString(k)}: ${pyDumps(v)}`)
    }
  }
  return parts.length === 0 ? '{}' : `{${parts.join(', ')}}`
}

/** Python's repr() of a str (used where ComfyUI formats messages with str(list)). */
export function pyReprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'"
  let out = quote
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += '\\' + ch
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)
      out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`
    else out += ch
  }
  return out + quote
}

/** Python's str() of a PyValue (str(list) uses repr of the elements). */
export function pyStr(v: PyValue, top = true): string {
  if (v === null) return 'None'
  if (typeof v === 'boolean') return v ? 'True' : 'False'
  if (typeof v === 'string') return top ? v : pyReprString(v)
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof PyFloat) return pyNumStr(v)
  if (Array.isArray(v)) return `[${v.map((x) => pyStr(x, false)).join(', ')}]`
  const parts: string[] = []
  for (const [k, x] of v) parts.push(`${pyReprString(k)}: ${pyStr(x, false)}`)
  return `{${parts.join(', ')}}`
}

/** Error thrown for malformed JSON (the HTTP layer answers 500 like aiohttp's unguarded request.json()). */
export class PyJsonError extends Error {}

/** json.loads: parse JSON text into PyValues (ordered dicts, integral floats and big ints preserved). */
export function parsePyJson(text: string): PyValue {
  const p = new Parser(text)
  p.ws()
  const v = p.value()
  p.ws()
  if (p.i !== text.length) p.fail('Extra data')
  return v
}

class Parser {
  i = 0
  constructor(private readonly s: string) {}

  fail(msg: string): never {
    throw new PyJsonError(`${msg}: char ${this.i}`)
  }

  ws(): void {
    const s = this.s
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i)
      if (c === 32 || c === 10 || c === 13 || c === 9) this.i++
      else break
    }
  }

  value(): PyValue {
    const c = this.s[this.i]
    if (c === '{') return this.object()
    if (c === '[') return this.array()
    if (c === '"') return this.string()
    if (c === 't' && this.s.startsWith('true', this.i)) return this.lit(4, true)
    if (c === 'f' && this.s.startsWith('false', this.i)) return this.lit(5, false)
    if (c === 'n' && this.s.startsWith('null', this.i)) return this.lit(4, null)
    if (c === 'N' && this.s.startsWith('NaN', this.i)) return this.lit(3, NaN)
    if (c === 'I' && this.s.startsWith('Infinity', this.i)) return this.lit(8, Infinity)
    if (c === '-' && this.s.startsWith('-Infinity', this.i)) return this.lit(9, -Infinity)
    return this.number()
  }

  private lit(len: number, v: PyValue): PyValue {
    this.i += len
    return v
  }

  private object(): PyDict {
    const m: PyDict = new Map()
    this.i++
    this.ws()
    if (this.s[this.i] === '}') {
      this.i++
      return m
    }
    for (;;) {
      this.ws()
      if (this.s[this.i] !== '"') this.fail('Expecting property name enclosed in double quotes')
      const k = this.string()
      this.ws()
      if (this.s[this.i] !== ':') this.fail("Expecting ':' delimiter")
      this.i++
      this.ws()
      m.set(k, this.value())
      this.ws()
      const c = this.s[this.i++]
      if (c === '}') return m
      if (c !== ',') this.fail("Expecting ',' delimiter")
    }
  }

  private array(): PyValue[] {
    const a: PyValue[] = []
    this.i++
    this.ws()
    if (this.s[this.i] === ']') {
      this.i++
      return a
    }
    for (;;) {
      this.ws()
      a.push(this.value())
      this.ws()
      const c = this.s[this.i++]
      if (c === ']') return a
      if (c !== ',') this.fail("Expecting ',' delimiter")
    }
  }

  private string(): string {
    const s = this.s
    let j = this.i + 1
    // Fast path: no escapes.
    while (j < s.length) {
      const c = s.charCodeAt(j)
      if (c === 0x22) {
        const out = s.slice(this.i + 1, j)
        this.i = j + 1
        return out
      }
      if (c === 0x5c || c < 0x20) break
      j++
    }
    return this.slowString()
  }

  private slowString(): string {
    const s = this.s
    const start = this.i
    let j = this.i + 1
    while (j < s.length && s[j] !== '"') {
      if (s[j] === '\\') j++
      j++
    }
    if (j >= s.length) {
      this.i = start
      this.fail('Unterminated string starting at')
    }
    this.i = j + 1
    try {
      return JSON.parse(s.slice(start, j + 1)) as string
    } catch {
      this.i = start
      return this.fail('Invalid string')
    }
  }

  private number(): PyValue {
    const s = this.s
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(this.i, this.i + 400))
    if (!m) this.fail('Expecting value')
    const text = m[0]
    this.i += text.length
    if (m[2] === undefined && m[3] === undefined) {
      const n = Number(text)
      return Number.isSafeInteger(n) ? n : BigInt(text)
    }
    const f = Number(text)
    return Number.isInteger(f) ? new PyFloat(f) : f
  }
}

/** Convert a PyValue to plain JS (for callers that only need to read it). */
export function pyToJs(v: PyValue): unknown {
  if (v instanceof PyFloat) return v.value
  if (typeof v === 'bigint') return Number(v)
  if (Array.isArray(v)) return v.map(pyToJs)
  if (v instanceof Map) {
    const o: Record<string, unknown> = {}
    for (const [k, x] of v) o[k] = pyToJs(x)
    return o
  }
  return v
}

/** Convert plain JS (e.g. a JSON.parse result) into PyValues; JS key order is taken as given. */
export function jsToPy(v: unknown): PyValue {
  if (v === null || v === undefined) return null
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint') return v
  if (v instanceof PyFloat) return v
  if (Array.isArray(v)) return v.map(jsToPy)
  if (v instanceof Map) {
    const m: PyDict = new Map()
    for (const [k, x] of v as Map<unknown, unknown>) m.set(String(k), jsToPy(x))
    return m
  }
  if (typeof v === 'object') {
    const m: PyDict = new Map()
    for (const [k, x] of Object.entries(v)) m.set(k, jsToPy(x))
    return m
  }
  return typeof v === 'symbol' || typeof v === 'function' ? v.toString() : null
}

/** True if v is a PyDict. */
export function isDict(v: PyValue | undefined): v is PyDict {
  return v instanceof Map
}
