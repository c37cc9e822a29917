/**
 * One way to read a command line for every entry point (CLI, simulator, worker, benches): node:util
 * parseArgs in strict mode, so a misspelled flag (`--wiat`) stops the program with exit code 2 naming it
 * instead of being ignored and leaving the user with a run that did not wait.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'

/** A command line the program cannot act on; entry points exit 2 with its message. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>

/** Node's parse errors carry a code; its messages are long, so the flag is named in our own words. */
interface NodeParseError {
  code?: string
  message: string
}

/** The parsed flags of `options` (typed per flag) and the positionals. */
export type Parsed<O extends OptionSpec> = ReturnType<
  typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>
>

export function parseStrict<O extends OptionSpec>(
  argv: readonly string[],
  options: O,
  allowPositionals: boolean
): Parsed<O> {
  try {
    // allowPositionals is a boolean at run time; the type only changes what `positionals` may hold.
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: allowPositionals as true })
  } catch (e) {
    throw new UsageError(usageMessage(e as NodeParseError, argv))
  }
}

function usageMessage(e: NodeParseError, argv: readonly string[]): string {
  const quoted = /'(-{1,2}[^' ]+)/.exec(e.message)?.[1]
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? '(unnamed)'}`
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(argv.find((a) => !a.startsWith('-')) ?? '')}`
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (e.message.includes('does not take an argument')) return `${quoted ?? 'this option'} takes no value`
      return `${quoted ?? 'an option'} needs a value (write ${quoted ?? '--flag'}=VALUE for a value starting with "-")`
    default:
      return e.message
  }
}
