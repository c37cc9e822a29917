import { expect, test } from './fixtures'
import { AppPage } from './pages/app-page'

test('settings: invalid values are named next to their field and nothing is saved', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await app.nav('settings')
  const slots = page.getByTestId('settings-defaultSlots')
  const before = await slots.inputValue()
  await slots.fill('99')
  await page.getByTestId('settings-save').click()
  // The schema issue is placed by its path, so the message beside the field need not repeat its name.
  await expect(page.getByTestId('settings-field-error').first()).toContainText('must be an integer from 1 to 8')
  await expect(slots).toHaveAttribute('aria-invalid', 'true')
  await app.screenshot('settings')
  await page.reload()
  await expect(page.getByTestId('app')).toHaveAttribute('data-app-state', 'ready')
  await expect(page.getByTestId('settings-defaultSlots')).toHaveValue(before)
  await expect(page.getByTestId('settings-data-dir')).not.toHaveText('—')
  app.expectNoConsoleErrors()
})

test('every control on the runs screen is reachable by keyboard', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  const seen = new Set<string>()
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab')
    seen.add(
      await page.evaluate(
        () => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? ''
      )
    )
  }
  for (const id of ['nav-runs', 'nav-servers', 'nav-history', 'nav-settings', 'open-files']) expect(seen).toContain(id)
  await page.keyboard.press('Alt+2')
  await expect(page.getByTestId('screen-servers')).toBeVisible()
})
