import { expect, test } from './fixtures'
import { dropPrompt } from './support/farm'
import { uniqueWord } from './support/workflows'

test('removing a server with a running run moves the run to another server, where it completes', async ({
  page,
  farm,
}) => {
  const slowName = uniqueWord('slow-')
  const fastName = uniqueWord('fast-')
  // Only the slow server takes the run (it would run there for 20 s).
  const { app, slow, releaseSpare } = await farm.openWithSlowAndSpare({ slow: slowName, spare: fastName })
  const word = uniqueWord('moveme')
  await dropPrompt(app, word, { text: `${word} long`, seed: 3, steps: 400 })
  await app.expectRunStatus(word, 'running')
  await expect(app.runRow(word).locator('.cell-server')).toContainText(slowName)
  await releaseSpare()

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
