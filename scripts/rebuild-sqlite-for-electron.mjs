#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into native/electron/better_sqlite3.node, leaving the
// Node build in node_modules untouched (tests and headless mode use that one). The app picks the
// Electron build through better-sqlite3's `nativeBinding` option when it runs inside Electron.
// Needs the network (Electron headers); npm's `nodedir` must be unset, or node-gyp silently builds
// for Node instead (seen with nodedir=/usr).
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, cpSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version
const scratch = mkdtempSync(join(tmpdir(), 'sqlite-electron-'))
cpSync(join(root, 'node_modules/better-sqlite3'), join(scratch, 'better-sqlite3'), { recursive: true })
const env = { ...process.env }
delete env.npm_config_nodedir
const r = spawnSync(
  'npx',
  [
    '--yes',
    'node-gyp',
    'rebuild',
    '--release',
    `--target=${electronVersion}`,
    '--dist-url=https://electronjs.org/headers',
    '--runtime=electron',
  ],
  { cwd: join(scratch, 'better-sqlite3'), stdio: 'inherit', env }
)
if (r.status !== 0) {
  console.error(
    `[rebuild-sqlite] node-gyp failed (exit ${r.status}); Electron ${electronVersion} headers need the network.`
  )
  process.exit(1)
}
const out = join(root, 'native/electron')
mkdirSync(out, { recursive: true })
copyFileSync(join(scratch, 'better-sqlite3/build/Release/better_sqlite3.node'), join(out, 'better_sqlite3.node'))
console.log(`[rebuild-sqlite] native/electron/better_sqlite3.node built for Electron ${electronVersion}`)
