import { parseStrict, UsageError, type OptionSpec } from '../../src-shared/cli/strict-args'

/** A bench's command line: its numeric flags (with defaults), plus any boolean or string flags it names. */
export interface BenchArgs<N extends string> {
  num: Record<N, number>
  has(flag: string): boolean
  str(flag: string): string | undefined
}

/**
 * Parse the bench's own flags strictly: a misspelled flag (`--rusn 30`) would otherwise run the full
 * bench with its defaults for minutes and publish figures for the wrong size. Exits 2 naming the flag.
 */
export function benchArgs<N extends string>(
  numbers: Record<N, number>,
  extra: { booleans?: readonly string[]; strings?: readonly string[] } = {},
  argv: readonly string[] = process.argv.slice(2)
): BenchArgs<N> {
  const options: OptionSpec = {}
  for (const name of [...Object.keys(numbers), ...(extra.strings ?? [])]) options[name] = { type: 'string' }
  for (const name of extra.booleans ?? []) options[name] = { type: 'boolean' }
  try {
    const { values } = parseStrict(argv, options, false)
    const num = { ...numbers }
    for (const name of Object.keys(numbers) as N[]) {
      const text = values[name]
      if (typeof text !== 'string') continue
      const n = Number(text)
      if (!Number.isFinite(n) || n < 0)
        throw new UsageError(`--${name} needs a number >= 0, got ${JSON.stringify(text)}`)
      num[name] = n
    }
    return {
      num,
      has: (flag) => values[flag] === true,
      str: (flag) => (typeof values[flag] === 'string' ? values[flag] : undefined),
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    console.error(`bench: ${e.message}`)
    process.exit(2)
  }
}
