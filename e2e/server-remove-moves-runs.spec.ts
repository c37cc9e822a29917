import { expect, test } from './fixtures'
import { AppPage } from './pages/app-page'
import { addServerOnline, setDraining } from './support/bridge'
import { dropPrompt } from './support/farm'
import { uniqueWord } from './support/workflows'

test('removing a server with a running run moves the run to another server, where it completes', async ({
  page,
  farm,
}) => {
  const slowName = uniqueWord('slow-')
  const fastName = uniqueWord('fast-')
  const slow = await farm.sim({ name: slowName, gpu: 'NVIDIA GeForce RTX 3060', stepMs: 50 })
  const fast = await farm.sim({ name: fastName, gpu: 'NVIDIA GeForce RTX 4090', stepMs: 5 })
  const app = new AppPage(page)
  await app.open()
  await addServerOnline(page.request, slowName, slow.url)
  await addServerOnline(page.request, fastName, fast.url)
  // Only the slow server takes the run (it would run there for 20 s).
  await setDraining(page.request, fastName, true)
  await app.nav('runs')
  const word = uniqueWord('moveme')
  await dropPrompt(app, word, { text: `${word} long`, seed: 3, steps: 400 })
  await app.expectRunStatus(word, 'running')
  await expect(app.runRow(word).locator('.cell-server')).toContainText(slowName)
  await setDraining(page.request, fastName, false)

  await app.nav('servers')
  await app.serverCard(slowName).getByTestId('server-remove').click()
  await expect(page.getByTestId('confirm-dialog')).toContainText('Its run moves to other servers first')
  await page.getByTestId('confirm-ok').click()
  await expect(app.toast('info')).toContainText('Moved 1 run to other servers')
  await expect(app.serverCard(slowName)).toHaveCount(0)

  await app.nav('runs')
  await app.expectRunStatus(word, 'completed')
  await expect(app.runRow(word).locator('.cell-server')).toContainText(fastName)
  expect(slow.stats().interrupted).toBe(1)
  expect(Object.keys(slow.stats().executions)).toEqual([])
  app.expectNoConsoleErrors()
})
