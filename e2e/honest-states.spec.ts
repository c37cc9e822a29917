import { expect, test } from './fixtures'
import { AppPage } from './pages/app-page'
import { ServersPage } from './pages/servers-page'
import { addServerOnline, callBridge } from './support/bridge'
import { startSim } from './support/sim'
import { apiPrompt, jsonFile, uniqueWord } from './support/workflows'

test('a cancel reads as cancelled, not as an error: no node keeps running, no red box, no "outputs yet"', async ({
  page,
}) => {
  const name = uniqueWord('cancel-gpu-')
  // 400 steps at 50 ms: the sampler is mid-flight when the cancel lands.
  const sim = await startSim({ name, gpu: 'NVIDIA GeForce RTX 3060', stepMs: 50 })
  try {
    const app = new AppPage(page)
    await app.open()
    const servers = new ServersPage(app)
    await servers.add(name, sim.url, 'RTX 3060')
    await servers.expectState(name, 'online')
    await app.nav('runs')
    const word = uniqueWord('stopme')
    await app.drop([jsonFile(`${word}.json`, apiPrompt(`${word} long`, 7, 400))])
    await app.expectRunStatus(word, 'running')
    await app.openRun(word)
    const sampler = app.graphNodes().and(page.locator('[data-node-id="3"]'))
    await expect(sampler).toHaveAttribute('data-state', 'running')
    await page.getByTestId('screen-run').getByTestId('run-cancel').click()

    const badge = page.getByTestId('detail-status')
    await expect(badge).toHaveAttribute('data-status', 'cancelled')
    await expect(badge).toHaveText('cancelled')
    await expect(page.getByTestId('run-cancelled')).toContainText('Cancelled while it ran')
    await expect(page.getByTestId('run-error')).toHaveCount(0)
    await expect(sampler).toHaveAttribute('data-state', 'stopped')
    await expect(page.getByTestId('run-no-outputs')).toContainText('the run was cancelled')
    await app.screenshot('run-detail-cancelled')
    app.expectNoConsoleErrors()
  } finally {
    await sim.stop()
  }
})

test('a server that dies mid-run: the run shows moving, then completes on another server, and the log says why', async ({
  page,
}) => {
  const slowName = uniqueWord('dying-')
  const fastName = uniqueWord('spare-')
  const slow = await startSim({ name: slowName, gpu: 'NVIDIA GeForce RTX 3060', stepMs: 50 })
  const fast = await startSim({ name: fastName, gpu: 'NVIDIA GeForce RTX 4090', stepMs: 5 })
  try {
    const app = new AppPage(page)
    await app.open()
    await addServerOnline(page.request, slowName, slow.url)
    await addServerOnline(page.request, fastName, fast.url)
    const list = await callBridge<{ id: string; name: string }[]>(page.request, 'servers:list', null)
    const fastId = list.find((s) => s.name === fastName)!.id
    // Only the slow server takes the run at first.
    await callBridge(page.request, 'servers:update', { id: fastId, patch: { draining: true } })
    await app.nav('runs')
    const word = uniqueWord('survivor')
    await app.drop([jsonFile(`${word}.json`, apiPrompt(`${word} long`, 3, 400))])
    await app.expectRunStatus(word, 'running')
    await expect(app.runRow(word).locator('.cell-server')).toContainText(slowName)
    await callBridge(page.request, 'servers:update', { id: fastId, patch: { draining: false } })

    await slow.stop()
    const badge = app.runRow(word).getByTestId('run-status')
    await expect(badge).toHaveAttribute('data-display', 'moving')
    await expect(badge).toHaveText('moving')
    await app.screenshot('runs-moving')
    await app.expectRunStatus(word, 'completed', 150_000)
    await expect(app.runRow(word).locator('.cell-server')).toContainText(fastName)

    await app.openRun(word)
    await expect(page.getByTestId('run-events')).toContainText(`the last one ended on ${slowName}`)
    app.expectNoConsoleErrors()
  } finally {
    await slow.stop()
    await fast.stop()
  }
})

test('nodes ComfyUI serves from its cache show as cached while the run is still going, not pending', async ({
  page,
}) => {
  const name = uniqueWord('cache-gpu-')
  const sim = await startSim({ name, gpu: 'NVIDIA GeForce RTX 3060', stepMs: 50 })
  try {
    const app = new AppPage(page)
    await app.open()
    const servers = new ServersPage(app)
    await servers.add(name, sim.url, 'RTX 3060')
    await servers.expectState(name, 'online')
    await app.nav('runs')
    const first = uniqueWord('warm')
    await app.drop([jsonFile(`${first}.json`, apiPrompt('a shared prompt', 1, 4))])
    await app.expectRunStatus(first, 'completed')
    // Same model and prompts, another seed and a long sampler: the loader and text encoders come from the cache.
    const second = uniqueWord('reuse')
    await app.drop([jsonFile(`${second}.json`, apiPrompt('a shared prompt', 2, 400))])
    await app.expectRunStatus(second, 'running')
    await app.openRun(second)
    const sampler = app.graphNodes().and(page.locator('[data-node-id="3"]'))
    await expect(sampler).toHaveAttribute('data-state', 'running')
    // Within a few detail refreshes, while the sampler still has most of its 20 s to go.
    const loader = app.graphNodes().and(page.locator('[data-node-id="4"]'))
    await expect(loader).toHaveAttribute('data-state', 'cached', { timeout: 10_000 })
    await expect(page.getByTestId('detail-status')).toHaveAttribute('data-status', 'running')
    await page.getByTestId('screen-run').getByTestId('run-cancel').click()
    await expect(page.getByTestId('detail-status')).toHaveAttribute('data-status', 'cancelled')
    app.expectNoConsoleErrors()
  } finally {
    await sim.stop()
  }
})
