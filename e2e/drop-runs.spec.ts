import { expect, test } from './fixtures'
import type { SimServer } from '../sim/server'
import { AppPage } from './pages/app-page'
import { HistoryPage } from './pages/history-page'
import { ServersPage } from './pages/servers-page'
import { addServerOnline, callBridge, runCount } from './support/bridge'
import { startSim } from './support/sim'
import { apiPrompt, comfyPng, jsonFile, uiWorkflow, uniqueWord } from './support/workflows'

let sim: SimServer
const serverName = uniqueWord('drop-gpu-')

test.beforeAll(async () => {
  sim = await startSim({ name: serverName, gpu: 'NVIDIA GeForce RTX 4090' })
})

test.afterAll(async () => {
  await sim.stop()
})

test('dropping API JSON, UI JSON and a ComfyUI PNG runs each; nodes turn done; images reach History', async ({
  page,
}) => {
  const app = new AppPage(page)
  await app.open()
  await new ServersPage(app).add(serverName, sim.url, 'RTX 4090')
  await new ServersPage(app).expectState(serverName, 'online')
  await app.nav('runs')

  const word = uniqueWord('lighthouse')
  await app.drop([
    jsonFile(`${word}-api.json`, apiPrompt(`${word} api prompt`, 1)),
    jsonFile(`${word}-ui.json`, uiWorkflow(`${word} ui prompt`)),
    {
      name: `${word}-png.png`,
      mimeType: 'image/png',
      buffer: comfyPng(apiPrompt(`${word} png prompt`, 3), uiWorkflow(`${word} png prompt`)),
    },
  ])
  for (const name of [`${word}-api`, `${word}-ui`, `${word}-png`]) await app.expectRunStatus(name, 'completed')
  await app.screenshot('runs')

  await app.openRun(`${word}-ui`)
  await expect(app.graphNodes()).toHaveCount(7)
  // ComfyUI re-uses outputs of identical nodes from the previous prompt: those report 'cached'.
  const finished = page.locator('[data-state="done"], [data-state="cached"]')
  await expect(app.graphNodes().and(finished)).toHaveCount(7, { timeout: 30_000 })
  await expect(app.graphNodes().and(page.locator('[data-state="done"]')).first()).toBeVisible()
  await expect(page.getByTestId('run-outputs').getByTestId('run-output')).toHaveCount(1)
  await app.screenshot('run-detail')
  await page.getByTestId('view-list').click()
  await expect(page.getByTestId('node-row').and(finished)).toHaveCount(7)

  const history = new HistoryPage(app)
  await history.search(word)
  await expect(app.historyTiles()).toHaveCount(3)
  await app.screenshot('history')
  await history.openFirstAndExpectImage()
  await app.screenshot('history-viewer')
  await history.closeViewer()
  app.expectNoConsoleErrors()
})

test('a malformed file shows the intake error and queues nothing', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  const before = await runCount(page.request)
  await app.drop([{ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"3": {"class_type": ') }])
  const toast = app.toast('error')
  await expect(toast).toContainText('broken.json')
  await expect(toast).not.toHaveText(/^\s*$/)
  await app.screenshot('drop-error')
  expect(await runCount(page.request)).toBe(before)
  app.expectNoConsoleErrors()
})

test('pasting API JSON opens the run sheet and runs it', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  // Every test has its own app (fresh data dir): it needs the server registered again.
  await addServerOnline(page.request, serverName, sim.url)
  const word = uniqueWord('paste')
  const text = JSON.stringify(apiPrompt(`${word} pasted`, 5))
  await page.evaluate((t) => {
    const data = new DataTransfer()
    data.setData('text/plain', t)
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }))
  }, text)
  await expect(page.getByTestId('run-sheet')).toBeVisible()
  await app.screenshot('run-sheet')
  await page.getByTestId('sheet-run').click()
  await expect(page.getByTestId('run-sheet')).toBeHidden()
  // Wait for it to finish here, so it cannot land on another spec's server later.
  await expect
    .poll(
      async () => {
        const runs = await callBridge<{ positive: string | null; status: string }[]>(page.request, 'runs:list', {
          limit: 10_000,
        })
        return runs.find((r) => r.positive?.includes(word))?.status
      },
      { timeout: 60_000 }
    )
    .toBe('completed')
  app.expectNoConsoleErrors()
})

test('Open… picks workflow files and starts them from the run sheet', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await addServerOnline(page.request, serverName, sim.url)
  const word = uniqueWord('opened')
  await page.getByTestId('open-files-input').setInputFiles([
    {
      name: `${word}.json`,
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(apiPrompt(`${word} opened`, 21))),
    },
  ])
  const sheet = page.getByTestId('run-sheet')
  await expect(sheet).toBeVisible()
  await sheet.getByTestId('sheet-server').selectOption({ label: serverName })
  await sheet.getByTestId('sheet-priority').selectOption('1')
  await sheet.getByTestId('sheet-run').click()
  await expect(sheet).toBeHidden()
  await app.expectRunStatus(word, 'completed')
  await expect(app.runRow(word)).toContainText(serverName)
  app.expectNoConsoleErrors()
})
