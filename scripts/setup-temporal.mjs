#!/usr/bin/env node
// Provides the Temporal CLI (`temporal server start-dev`), which no npm or Debian package ships.
// Routes, in order: TEMPORAL_CLI_PATH, `temporal` on PATH, the project-local copy in .tools/bin,
// a download from Temporal's CDN, then `go install` of v1.5.1 (later tags carry a replace directive
// in go.mod and cannot be `go install`ed). Idempotent: the first route that answers wins.
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const toolsBin = join(root, '.tools', 'bin')
const exe = process.platform === 'win32' ? 'temporal.exe' : 'temporal'
const localPath = join(toolsBin, exe)
const CLI_VERSION = '1.5.1'

const say = (msg) => console.log(`[setup-temporal] ${msg}`)

function versionOf(path) {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 15_000 })
  return r.status === 0 ? r.stdout.trim() : null
}

function onPath() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, exe)
    if (dir && existsSync(candidate)) return candidate
  }
  return null
}

function tryEnv() {
  const p = process.env.TEMPORAL_CLI_PATH
  if (!p) return null
  const v = versionOf(p)
  if (!v) throw new Error(`TEMPORAL_CLI_PATH=${p} does not run (\`${p} --version\` failed). Fix or unset it.`)
  return { path: p, how: `TEMPORAL_CLI_PATH (${v})` }
}

function tryExisting(path, label) {
  if (!path || !existsSync(path)) return null
  const v = versionOf(path)
  return v ? { path, how: `${label} (${v})` } : null
}

async function tryDownload() {
  const platform = { linux: 'linux', darwin: 'darwin', win32: 'windows' }[process.platform]
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch]
  if (!platform || !arch) return null
  const url = `https://temporal.download/cli/archive/v${CLI_VERSION}?platform=${platform}&arch=${arch}`
  let res
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(8_000) })
  } catch (e) {
    say(`download from Temporal's CDN not possible (${e.cause?.code ?? e.message}); trying go install`)
    return null
  }
  if (!res.ok) {
    say(`download from Temporal's CDN answered HTTP ${res.status}; trying go install`)
    return null
  }
  const dir = mkdtempSync(join(tmpdir(), 'temporal-cli-'))
  const archive = join(dir, platform === 'windows' ? 'cli.zip' : 'cli.tar.gz')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(archive, Buffer.from(await res.arrayBuffer()))
  if (platform === 'windows') execFileSync('tar', ['-xf', archive, '-C', dir])
  else execFileSync('tar', ['-xzf', archive, '-C', dir])
  mkdirSync(toolsBin, { recursive: true })
  renameSync(join(dir, exe), localPath)
  chmodSync(localPath, 0o755)
  rmSync(dir, { recursive: true, force: true })
  return tryExisting(localPath, `downloaded v${CLI_VERSION} into .tools/bin`)
}

function tryGoInstall() {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' })
  if (go.status !== 0) {
    say('Go is not installed, so `go install` is not possible')
    return null
  }
  mkdirSync(toolsBin, { recursive: true })
  say(`go install github.com/temporalio/cli/cmd/temporal@v${CLI_VERSION} (a few minutes the first time)…`)
  const r = spawnSync('go', ['install', `github.com/temporalio/cli/cmd/temporal@v${CLI_VERSION}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: toolsBin },
  })
  if (r.status !== 0) {
    say(`go install failed with exit code ${r.status}`)
    return null
  }
  return tryExisting(localPath, `go install v${CLI_VERSION} into .tools/bin`)
}

async function main() {
  const found =
    tryEnv() ??
    tryExisting(onPath(), 'already on PATH') ??
    tryExisting(localPath, 'already in .tools/bin') ??
    (await tryDownload()) ??
    tryGoInstall()
  if (!found) {
    console.error(
      '[setup-temporal] Could not provide the Temporal CLI. Install it yourself, then run `npm install` again:\n' +
        '  - with Homebrew: brew install temporal\n' +
        `  - with Go: GOBIN=${toolsBin} go install github.com/temporalio/cli/cmd/temporal@v${CLI_VERSION}\n` +
        '  - or download it from https://temporal.download and set TEMPORAL_CLI_PATH=/path/to/temporal'
    )
    process.exit(1)
  }
  say(`using ${found.path}: ${found.how}`)
}

main().catch((e) => {
  console.error(`[setup-temporal] ${e.message}`)
  process.exit(1)
})
