import { expect, test } from './fixtures'
import { AppPage, appUrl } from './pages/app-page'
import { callBridge } from './support/bridge'
import { dropPrompt } from './support/farm'
import { uniqueWord } from './support/workflows'

test('Settings shows the ports actually in use; a drop on an empty farm says so', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await dropPrompt(app, 'lonely', { text: 'lonely', seed: 1 })
  await expect(app.toast('info')).toContainText('The farm is empty')

  await app.nav('settings')
  const info = await callBridge<{ temporal: { address: string } }>(page.request, 'app:info', null)
  await expect(page.getByTestId('ports-temporal')).toHaveText(info.temporal.address)
  await expect(page.getByTestId('ports-local-api')).toHaveText(new URL(appUrl()).host)
  await app.screenshot('settings')
  app.expectNoConsoleErrors()
})

test('at 1024 px the server column stays and the Runs counts sit under the icon, not on it', async ({ page, farm }) => {
  await page.setViewportSize({ width: 1024, height: 700 })
  const name = uniqueWord('narrow-gpu-')
  const { app } = await farm.openWithServer({
    name,
    gpu: 'NVIDIA GeForce RTX 3060',
    gpuLabel: 'RTX 3060',
    stepMs: 50,
  })
  const word = uniqueWord('narrow')
  await dropPrompt(app, word, { text: `${word} long`, seed: 2, steps: 400 })
  await app.expectRunStatus(word, 'running')
  const server = app.runRow(word).locator('.cell-server')
  await expect(server).toBeVisible()
  await expect(server).toContainText(name)

  const icon = await page.getByTestId('nav-runs').locator('.nav-icon').boundingBox()
  const counts = await page.getByTestId('nav-run-counts').boundingBox()
  expect(icon && counts, 'icon and counts are laid out').toBeTruthy()
  expect(counts!.y).toBeGreaterThanOrEqual(icon!.y + icon!.height)
  await app.screenshot('runs-1024')
  await app.runRow(word).getByTestId('run-cancel').click()
  await app.expectRunStatus(word, 'cancelled')
  app.expectNoConsoleErrors()
})
