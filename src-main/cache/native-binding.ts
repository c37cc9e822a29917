import { existsSync } from 'node:fs'
import { join } from 'node:path'

/**
 * better-sqlite3 is compiled against one ABI. node_modules holds the Node build (tests, headless);
 * inside Electron we load the Electron-ABI build that scripts/rebuild-sqlite-for-electron.mjs made
 * (shipped as resources/native/ by electron-builder). Undefined under Node: the default binding.
 */
export function sqliteNativeBinding(): string | undefined {
  if (!process.versions.electron) return undefined
  // resourcesPath is Electron's addition to process; Node's typings do not have it.
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath
  const candidates = [
    resources ? join(resources, 'native', 'better_sqlite3.node') : null,
    join(__dirname, '..', '..', 'native', 'electron', 'better_sqlite3.node'),
  ]
  const found = candidates.find((p): p is string => p !== null && existsSync(p))
  if (!found) {
    throw new Error(
      'better-sqlite3 has no build for Electron here: run `node scripts/rebuild-sqlite-for-electron.mjs` (needs the network), or use headless mode (`npm run serve`).'
    )
  }
  return found
}
