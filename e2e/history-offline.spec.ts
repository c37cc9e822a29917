import { expect, test } from './fixtures'
import { expectHistoryBrowsesOffline, HistoryPage } from './pages/history-page'
import { apiPrompt, jsonFile, uniqueWord } from './support/workflows'

// The app runs on a Temporal server this test owns (remote mode), so the test can take it away.
test.use({ temporal: 'external' })

test('history search by a prompt word; with the farm and Temporal stopped it still browses and says offline', async ({
  page,
  app: handle,
  farm,
}) => {
  const name = uniqueWord('hist-gpu-')
  const { app, servers, sim } = await farm.openWithServer({
    name,
    gpu: 'NVIDIA GeForce RTX 4080',
    gpuLabel: 'RTX 4080',
  })
  const word = uniqueWord('aurora')
  const other = uniqueWord('desert')
  await app.drop([
    jsonFile(`${word}.json`, apiPrompt(`${word} over fjords`, 11)),
    jsonFile(`${other}.json`, apiPrompt(`${other} dunes`, 12)),
  ])
  await app.expectRunStatus(word, 'completed')
  await app.expectRunStatus(other, 'completed')

  const history = new HistoryPage(app)
  await history.search(word)
  await expect(app.historyTiles()).toHaveCount(1)
  await history.expectOnlyMatches(word)

  // Every server down (the only one is stopped): cached history must keep working.
  await sim.stop()
  await handle.stopTemporal()
  await expect(page.getByTestId('status-temporal')).toContainText(/down|starting/i, { timeout: 30_000 })
  await app.nav('servers')
  await servers.expectState(name, 'offline', 60_000)
  await expectHistoryBrowsesOffline(app, word)
  await app.screenshot('history-offline')
  await history.closeViewer()
  await servers.remove(name)
  app.expectNoConsoleErrors()
})
