import { expect, test } from './fixtures'
import { dropPrompt } from './support/farm'
import { uniqueWord } from './support/workflows'

test('History finds failed runs, counts exactly, and shows how each image was made', async ({ page, farm }) => {
  const name = uniqueWord('hist-gpu-')
  const { app, sim } = await farm.openWithServer({ name, gpu: 'NVIDIA GeForce RTX 4070', gpuLabel: 'RTX 4070' })
  const good = uniqueWord('good')
  await dropPrompt(app, good, { text: `${good} lighthouse`, seed: 5, steps: 12 })
  await app.expectRunStatus(good, 'completed')
  sim.setFaults({
    errorAtNode: { classType: 'VAEDecode', exceptionType: 'RuntimeError', message: 'decoder exploded' },
  })
  const bad = uniqueWord('bad')
  await dropPrompt(app, bad, { text: `${bad} lighthouse`, seed: 6 })
  await app.expectRunStatus(bad, 'failed')
  // The server filters list servers by name: both runs ran on this one.
  await page.getByTestId('runs-server-filter').selectOption({ label: name })
  await expect(page.getByTestId('runs-shown')).toHaveText('2 shown')
  await page.getByTestId('runs-server-filter').selectOption('')

  await app.nav('history')
  await expect(page.getByTestId('history-count')).toHaveText('2 results')
  await page.getByTestId('history-server').selectOption({ label: name })
  await expect(page.getByTestId('history-count')).toHaveText('2 results')
  await page.getByTestId('history-status').selectOption('failed')
  await expect(page.getByTestId('history-count')).toHaveText('1 result')
  const tile = app.historyTiles()
  await expect(tile).toHaveCount(1)
  await expect(tile.getByTestId('history-tile-noimage')).toContainText('decoder exploded')
  await app.screenshot('history-failed')
  await tile.click()
  await expect(page.getByTestId('viewer-noimage')).toContainText('decoder exploded')
  await expect(page.getByTestId('viewer-download-image')).toHaveCount(0)
  await page.keyboard.press('Escape')

  await page.getByTestId('history-status').selectOption('completed')
  await expect(page.getByTestId('history-count')).toHaveText('1 result')
  await app.historyTiles().first().click()
  const gen = page.getByTestId('viewer-generation')
  await expect(gen.getByTestId('gen-sampler')).toHaveText('euler · normal')
  await expect(gen.getByTestId('gen-steps')).toHaveText('12')
  await expect(gen.getByTestId('gen-cfg')).toHaveText('8')
  await expect(gen.getByTestId('gen-negative')).not.toHaveText('—')
  await expect(gen.getByTestId('gen-duration')).not.toHaveText('—')
  await app.screenshot('history-viewer')
  app.expectNoConsoleErrors()
})
