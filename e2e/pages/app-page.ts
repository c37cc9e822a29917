import { expect, type Locator, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

/** A file to drop into the window, as the browser's DataTransfer will carry it. */
export interface DropFile {
  name: string
  mimeType: string
  buffer: Buffer
}

/** Where screenshots of every screen go (the README links this folder). */
export const SCREENSHOT_DIR = join(__dirname, '..', 'screenshots')

/** The base URL of the headless app under test. */
export function appUrl(): string {
  const url = process.env.COMFYFLEET_URL
  if (!url) throw new Error('COMFYFLEET_URL is not set: start the headless app and export its URL')
  return url
}

/** The one-time sign-in link the app printed at start (the fixture exports it). */
function loginUrl(): string {
  const url = process.env.COMFYFLEET_LOGIN_URL
  if (!url) throw new Error('COMFYFLEET_LOGIN_URL is not set: start the headless app and export the link it printed')
  return url
}

/**
 * Page object for the whole renderer: navigation, the drop target, and locators built on the
 * `data-testid` hooks. Collects console errors so every spec can assert there were none.
 */
export class AppPage {
  readonly consoleErrors: string[] = []

  constructor(readonly page: Page) {
    page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(m.text())
    })
    page.on('pageerror', (e) => this.consoleErrors.push(`pageerror: ${e.message}`))
  }

  /**
   * Opens the app and waits for the first `app:info`. The first time, it signs in as a user does:
   * through the one-time link the app printed, which sets the session cookie and opens the UI.
   */
  async open(hash = '#/runs'): Promise<void> {
    const cookies = await this.page.context().cookies(appUrl())
    if (!cookies.some((c) => c.name === 'comfyfleet_session')) await this.page.goto(loginUrl())
    await this.page.goto(`${appUrl()}/${hash}`)
    await expect(this.page.getByTestId('app')).toHaveAttribute('data-app-state', 'ready')
  }

  async nav(screen: 'runs' | 'servers' | 'history' | 'settings'): Promise<void> {
    await this.page.getByTestId(`nav-${screen}`).click()
    await expect(this.page.getByTestId(`screen-${screen}`)).toBeVisible()
  }

  /** Drops files on the window exactly as a user's drag would deliver them (a real DataTransfer). */
  async drop(files: DropFile[], opts: { shiftKey?: boolean } = {}): Promise<void> {
    const payload = files.map((f) => ({ name: f.name, mimeType: f.mimeType, data: f.buffer.toString('base64') }))
    const dataTransfer = await this.page.evaluateHandle((items) => {
      const dt = new DataTransfer()
      for (const f of items) {
        const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0))
        dt.items.add(new File([bytes], f.name, { type: f.mimeType }))
      }
      return dt
    }, payload)
    await this.page.dispatchEvent('body', 'dragenter', { dataTransfer })
    await expect(this.page.getByTestId('drop-overlay')).toBeVisible()
    await this.page.dispatchEvent('body', 'drop', { dataTransfer, shiftKey: opts.shiftKey ?? false })
    await expect(this.page.getByTestId('drop-overlay')).toBeHidden()
  }

  /** The runs-list row of the run with this name (the file name, unless the sheet set one). */
  runRow(name: string): Locator {
    return this.page
      .getByTestId('run-row')
      .filter({ has: this.page.getByTestId('run-open').getByText(name, { exact: true }) })
  }

  async expectRunStatus(name: string, status: string, timeout = 60_000): Promise<void> {
    await expect(this.runRow(name).first()).toHaveAttribute('data-status', status, { timeout })
  }

  async openRun(name: string): Promise<void> {
    await this.runRow(name).first().getByTestId('run-open').click()
    await expect(this.page.getByTestId('screen-run')).toBeVisible()
  }

  graphNodes(): Locator {
    return this.page.getByTestId('graph-node')
  }

  serverCard(name: string): Locator {
    return this.page
      .getByTestId('server-card')
      .filter({ has: this.page.getByTestId('server-name').getByText(name, { exact: true }) })
  }

  historyTiles(): Locator {
    return this.page.getByTestId('history-tile')
  }

  toast(kind: 'error' | 'success' | 'info'): Locator {
    return this.page.getByTestId(`toast-${kind}`)
  }

  /** Saves a full-window screenshot to e2e/screenshots/<name>.png. */
  async screenshot(name: string): Promise<void> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true })
    await this.page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) })
  }

  /** Fails with the collected messages if the page logged any console error. */
  expectNoConsoleErrors(): void {
    expect(this.consoleErrors, 'console errors during the test').toEqual([])
  }
}
