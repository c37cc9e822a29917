import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/**
 * Where ComfyFleet keeps its data in headless mode: `--data-dir`, then COMFYFLEET_DATA_DIR, then
 * ~/.comfyfleet. (Electron uses app.getPath('userData') instead.)
 */
export function resolveHeadlessDataDir(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const flag = argValue(argv, '--data-dir')
  if (flag) return resolve(flag)
  if (env.COMFYFLEET_DATA_DIR) return resolve(env.COMFYFLEET_DATA_DIR)
  return join(homedir(), '.comfyfleet')
}

/** `--name value` or `--name=value`. */
export function argValue(argv: readonly string[], name: string): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === name) return argv[i + 1] ?? null
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1)
  }
  return null
}
