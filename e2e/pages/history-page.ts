import { expect, type Page } from '@playwright/test'
import type { AppPage } from './app-page'

/** The History screen: search, tiles, the full-size viewer. */
export class HistoryPage {
  constructor(
    private readonly app: AppPage,
    private readonly page: Page = app.page
  ) {}

  async search(text: string): Promise<void> {
    await this.app.nav('history')
    await this.page.getByTestId('history-search').fill(text)
  }

  /** Every visible tile's prompt contains `word`, and there is at least one (waits out the search debounce). */
  async expectOnlyMatches(word: string): Promise<void> {
    const tiles = this.app.historyTiles()
    await expect
      .poll(async () => {
        const labels = await tiles.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))
        return labels.length > 0 && labels.every((l) => l.includes(word))
      })
      .toBe(true)
  }

  /** Opens the first tile and checks the full-size image really loads (bytes decoded by the browser). */
  async openFirstAndExpectImage(): Promise<void> {
    await this.app.historyTiles().first().click()
    const img = this.page.getByTestId('viewer-image')
    await expect(img).toBeVisible()
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)
  }

  async closeViewer(): Promise<void> {
    await this.page.keyboard.press('Escape')
    await expect(this.page.getByTestId('image-viewer')).toBeHidden()
  }
}

/**
 * History with the farm and Temporal down: search still answers from the cache, thumbnails and
 * full-size images load, and the screen says it is offline. For specs (or fixtures) that stop them.
 */
export async function expectHistoryBrowsesOffline(app: AppPage, word: string): Promise<void> {
  const history = new HistoryPage(app)
  await history.search(word)
  await expect(app.page.getByTestId('offline-banner')).toBeVisible({ timeout: 30_000 })
  await history.expectOnlyMatches(word)
  await expect
    .poll(() =>
      app
        .historyTiles()
        .first()
        .locator('img')
        .evaluate((el) => (el as HTMLImageElement).naturalWidth)
    )
    .toBeGreaterThan(0)
  await history.openFirstAndExpectImage()
}
