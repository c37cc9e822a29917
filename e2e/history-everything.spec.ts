import { expect, test } from './fixtures'
import { AppPage } from './pages/app-page'
import { ServersPage } from './pages/servers-page'
import { startSim } from './support/sim'
import { apiPrompt, jsonFile, uniqueWord } from './support/workflows'

test('History finds failed runs, counts exactly, and shows how each image was made', async ({ page }) => {
  const name = uniqueWord('hist-gpu-')
  const sim = await startSim({ name, gpu: 'NVIDIA GeForce RTX 4070' })
  try {
    const app = new AppPage(page)
    await app.open()
    const servers = new ServersPage(app)
    await servers.add(name, sim.url, 'RTX 4070')
    await servers.expectState(name, 'online')
    await app.nav('runs')
    const good = uniqueWord('good')
    await app.drop([jsonFile(`${good}.json`, apiPrompt(`${good} lighthouse`, 5, 12))])
    await app.expectRunStatus(good, 'completed')
    sim.setFaults({
      errorAtNode: { classType: 'VAEDecode', exceptionType: 'RuntimeError', message: 'decoder exploded' },
    })
    const bad = uniqueWord('bad')
    await app.drop([jsonFile(`${bad}.json`, apiPrompt(`${bad} lighthouse`, 6))])
    await app.expectRunStatus(bad, 'failed')

    await app.nav('history')
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
  } finally {
    await sim.stop()
  }
})
