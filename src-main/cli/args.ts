/** Parsed command line: positionals and `--flag value` / `--flag=value` / boolean `--flag`. */
export interface Args {
  positionals: string[]
  flags: Map<string, string | true>
}

const BOOLEAN_FLAGS = new Set(['wait', 'json', 'off', 'help', 'yes'])

export function parseArgs(argv: readonly string[]): Args {
  const positionals: string[] = []
  const flags = new Map<string, string | true>()
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (!a.startsWith('--')) {
      positionals.push(a)
      continue
    }
    const eq = a.indexOf('=')
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1))
    else if (BOOLEAN_FLAGS.has(a.slice(2)) || argv[i + 1] === undefined || argv[i + 1]!.startsWith('--'))
      flags.set(a.slice(2), true)
    else flags.set(a.slice(2), argv[++i]!)
  }
  return { positionals, flags }
}

export class UsageError extends Error {}

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
