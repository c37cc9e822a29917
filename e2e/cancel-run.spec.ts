import { expect, test } from './fixtures'
import { AppPage } from './pages/app-page'
import { ServersPage } from './pages/servers-page'
import { removeServersNamed } from './support/bridge'
import { startSim } from './support/sim'
import { apiPrompt, jsonFile, uniqueWord } from './support/workflows'

test('cancelling a running run ends it as cancelled', async ({ page }) => {
  const name = uniqueWord('slow-gpu-')
  // 400 steps at 50 ms: the run stays in the sampler long enough to be cancelled mid-flight.
  const sim = await startSim({ name, gpu: 'NVIDIA GeForce RTX 3060', stepMs: 50, previews: true })
  try {
    const app = new AppPage(page)
    await app.open()
    const servers = new ServersPage(app)
    await servers.add(name, sim.url, 'RTX 3060')
    await servers.expectState(name, 'online')
    await app.nav('runs')
    const word = uniqueWord('cancelme')
    await app.drop([jsonFile(`${word}.json`, apiPrompt(`${word} long`, 7, 400))])
    await app.expectRunStatus(word, 'running')
    await expect(page).toHaveTitle(/▶1/)
    await expect(app.runRow(word).getByTestId('run-current-node')).toContainText('KSampler')
    await app.screenshot('runs-running')

    // The detail streams the sampler: the KSampler node runs with its step count, a preview shows.
    await app.openRun(word)
    const sampler = app.graphNodes().and(page.locator('[data-node-id="3"]'))
    await expect(sampler).toHaveAttribute('data-state', 'running')
    await expect(sampler).toContainText(/running \d+\/400/)
    await expect(app.graphNodes().and(page.locator('[data-node-id="4"]'))).toHaveAttribute('data-state', /done|cached/)
    await expect(page.getByTestId('run-preview')).toBeVisible()
    await app.screenshot('run-detail-running')
    await app.nav('runs')
    await app.runRow(word).getByTestId('run-cancel').click()
    await app.expectRunStatus(word, 'cancelled')
    await servers.remove(name)
    app.expectNoConsoleErrors()
  } finally {
    await sim.stop()
    await removeServersNamed(page.request, name)
  }
})
