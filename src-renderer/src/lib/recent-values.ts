/**
 * The values a user last ran with, per node class and input (`KSampler.cfg`), offered as suggestions
 * the next time any workflow with that input is opened in the run sheet. Kept in localStorage: it is
 * a convenience of this browser profile, not data the core must keep.
 */
const KEY = 'comfyfleet.recentInputs'
const PER_INPUT = 8

type Recent = Record<string, string[]>

function read(): Recent {
  try {
    const raw = localStorage.getItem(KEY)
    const parsed: unknown = raw ? JSON.parse(raw) : {}
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Recent) : {}
  } catch {
    return {} // storage disabled or a corrupt entry: suggestions are optional
  }
}

/** Recent values of `classType.input`, newest first. */
export function recentValues(classType: string, input: string): string[] {
  const list = read()[`${classType}.${input}`]
  return Array.isArray(list) ? list.filter((v) => typeof v === 'string') : []
}

/** Remembers values the user ran with (newest first, each once, a few per input). */
export function rememberValues(entries: { classType: string; input: string; text: string }[]): void {
  const all = read()
  for (const e of entries) {
    const key = `${e.classType}.${e.input}`
    all[key] = [e.text, ...(all[key] ?? []).filter((v) => v !== e.text)].slice(0, PER_INPUT)
  }
  try {
    localStorage.setItem(KEY, JSON.stringify(all))
  } catch {
    // A full or disabled storage only loses the suggestions.
  }
}
