import { existsSync } from 'node:fs'
import { delimiter, join, resolve } from 'node:path'

const EXE = process.platform === 'win32' ? 'temporal.exe' : 'temporal'

/**
 * The Temporal CLI to run, in the order the set-up script provisions it: TEMPORAL_CLI_PATH, the
 * project-local .tools/bin copy, a packaged app's resources, then PATH.
 *
 * @throws Error naming every place looked at, and how to install it, when none has the binary.
 */
export function findTemporalCli(opts: {
  projectRoot: string
  resourcesPath?: string | null
  env?: NodeJS.ProcessEnv
}): string {
  const env = opts.env ?? process.env
  const candidates = [
    env.TEMPORAL_CLI_PATH,
    join(opts.projectRoot, '.tools', 'bin', EXE),
    opts.resourcesPath ? join(opts.resourcesPath, 'bin', EXE) : undefined,
    ...(env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, EXE)),
  ].filter((p): p is string => typeof p === 'string' && p.length > 0)
  const found = candidates.find((p) => existsSync(p))
  if (found) return resolve(found)
  throw new Error(
    `The Temporal CLI was not found (looked at: ${candidates.slice(0, 3).join(', ')} and PATH). ` +
      'Run `npm install` (it provisions it), or install it and set TEMPORAL_CLI_PATH.'
  )
}
