/**
 * One ComfyFleet per test, started as a user starts it (`npm run serve`: out/main/headless.js with main's
 * memory flags) with a fresh
 * data dir. `temporal: 'external'` points the app at a Temporal dev server the test owns (remote
 * mode), so a test can take Temporal away and check the app keeps browsing its history.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test as base } from '@playwright/test'
import { TemporalDevServer } from '../src-main/temporal/dev-server'
import { findTemporalCli } from '../src-main/temporal/cli-path'
import { headlessArgv, memoryEnv } from '../src-main/process/memory-flags'
import { Farm } from './support/farm'

const ROOT = resolve(__dirname, '..')

export interface AppHandle {
  url: string
  /** The one-time sign-in link the app printed (AppPage.open uses it, as a user would). */
  loginUrl: string
  dataDir: string
  /** Stop the Temporal server the app uses (only with temporal: 'external'). */
  stopTemporal(): Promise<void>
}

interface Options {
  temporal: 'embedded' | 'external'
}

async function startApp(dataDir: string, log: string[]): Promise<{ child: ChildProcess; loginUrl: string }> {
  const child = spawn(process.execPath, headlessArgv(ROOT, dataDir), {
    env: { ...memoryEnv(process.env), COMFYFLEET_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const loginUrl = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`headless app did not start in 60 s:\n${log.join('')}`)), 60_000)
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8')
      log.push(text)
      const m = /ComfyFleet is ready: open (\S+)/.exec(text)
      if (m) {
        clearTimeout(timer)
        resolveUrl(m[1]!)
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (c: Buffer) => log.push(c.toString('utf8')))
    child.once('exit', (code) => reject(new Error(`headless app exited with ${code}:\n${log.join('')}`)))
  })
  return { child, loginUrl }
}

export const test = base.extend<Options & { app: AppHandle; farm: Farm }>({
  temporal: ['embedded', { option: true }],
  app: [
    async ({ temporal }, use, testInfo) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cf-e2e-'))
      let external: TemporalDevServer | null = null
      if (temporal === 'external') {
        external = new TemporalDevServer({
          cliPath: findTemporalCli({ projectRoot: ROOT }),
          dbFile: join(dataDir, 'external-temporal.db'),
          logDir: dataDir,
          port: 0,
          uiPort: 0,
          headlessUi: true,
        })
        const { address } = await external.start()
        writeFileSync(
          join(dataDir, 'settings.json'),
          JSON.stringify({ temporal: { mode: 'remote', address, namespace: 'default' } })
        )
      }
      const log: string[] = []
      const { child, loginUrl } = await startApp(dataDir, log)
      const url = new URL(loginUrl).origin
      process.env.COMFYFLEET_URL = url
      process.env.COMFYFLEET_LOGIN_URL = loginUrl
      await use({
        url,
        loginUrl,
        dataDir,
        stopTemporal: async () => {
          if (!external) throw new Error("stopTemporal needs test.use({ temporal: 'external' })")
          await external.stop()
        },
      })
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))])
      child.kill('SIGKILL')
      await external?.stop()
      if (testInfo.status !== testInfo.expectedStatus)
        await testInfo.attach('app.log', { body: log.join(''), contentType: 'text/plain' })
    },
    // Every spec gets its app, even one that only reads COMFYFLEET_URL through its page objects.
    { auto: true },
  ],
  // Simulated servers a test starts; stopped after it, whether it passed or not.
  farm: async ({ page }, use) => {
    const farm = new Farm(page)
    try {
      await use(farm)
    } finally {
      await farm.stopAll()
    }
  },
})

export { expect } from '@playwright/test'
