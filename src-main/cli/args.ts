import { parseStrict, UsageError } from '../../src-shared/cli/strict-args'

export { UsageError }

/** Parsed command line: positionals, and the flags given (a boolean flag maps to true). */
export interface Args {
  positionals: string[]
  flags: Map<string, string | true>
}

/**
 * Every flag any command takes. One table rather than one per command: a flag that a command does not
 * use is harmless, a flag nobody knows (a typo) is a usage error naming it.
 */
const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  wait: { type: 'boolean' },
  server: { type: 'string' },
  seeds: { type: 'string' },
  count: { type: 'string' },
  priority: { type: 'string' },
  name: { type: 'string' },
  slots: { type: 'string' },
  off: { type: 'boolean' },
  search: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
} as const

export function parseArgs(argv: readonly string[]): Args {
  const { values, positionals } = parseStrict(argv, OPTIONS, true)
  const flags = new Map<string, string | true>()
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== false) flags.set(k, v)
  return { positionals, flags }
}

export function flag(args: Args, name: string): string | undefined {
  const v = args.flags.get(name)
  if (v === true) throw new UsageError(`--${name} needs a value`)
  return v
}

export function intFlag(args: Args, name: string): number | undefined {
  const v = flag(args, name)
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be a whole number, not ${JSON.stringify(v)}`)
  return n
}
