import { expect, test } from './fixtures'
import { AppPage } from './pages/app-page'
import { ServersPage } from './pages/servers-page'
import { removeServersNamed } from './support/bridge'
import { startSim } from './support/sim'
import { apiPrompt, jsonFile, uniqueWord } from './support/workflows'

test('a node that raises shows its error in the graph and the run fails with the message', async ({ page }) => {
  const name = uniqueWord('oom-gpu-')
  const sim = await startSim({ name, gpu: 'NVIDIA GeForce RTX 3050' })
  // Not an out-of-memory error: those are retried elsewhere; this one must fail the run at once.
  sim.setFaults({ errorAtNode: { classType: 'VAEDecode', exceptionType: 'RuntimeError', message: 'decoder exploded' } })
  try {
    const app = new AppPage(page)
    await app.open()
    const servers = new ServersPage(app)
    await servers.add(name, sim.url, 'RTX 3050')
    await servers.expectState(name, 'online')
    await app.nav('runs')
    const word = uniqueWord('broken')
    await app.drop([jsonFile(`${word}.json`, apiPrompt(`${word} fails`, 9))])
    await app.expectRunStatus(word, 'failed')
    await expect(app.runRow(word)).toContainText('decoder exploded')
    await app.openRun(word)
    const vae = app.graphNodes().and(page.locator('[data-node-id="8"]'))
    await expect(vae).toHaveAttribute('data-state', 'error')
    await expect(vae.getByTestId('node-error')).toContainText('decoder exploded')
    await expect(page.getByTestId('run-error')).toContainText('decoder exploded')
    await app.screenshot('run-detail-failed')
    await servers.remove(name)
    app.expectNoConsoleErrors()
  } finally {
    await sim.stop()
    await removeServersNamed(page.request, name)
  }
})
