import { expect, test } from './fixtures'
import { AppPage } from './pages/app-page'
import { ServersPage } from './pages/servers-page'
import { removeServersNamed } from './support/bridge'
import { startSim } from './support/sim'
import { uniqueWord } from './support/workflows'

test('drain, disable and rename a server from its card; changes show without reload', async ({ page }) => {
  const name = uniqueWord('ctl-gpu-')
  const renamed = `${name}-b`
  const sim = await startSim({ name, gpu: 'NVIDIA L40S' })
  try {
    const app = new AppPage(page)
    await app.open()
    const servers = new ServersPage(app)
    await servers.add(name, sim.url, 'L40S')
    await servers.expectState(name, 'online')
    const card = app.serverCard(name)

    await card.getByTestId('server-toggle-drain').click()
    await expect(card.getByTestId('server-state')).toHaveText('draining')
    await card.getByTestId('server-toggle-drain').click()
    await card.getByTestId('server-toggle-enabled').click()
    await expect(card.getByTestId('server-state')).toHaveText('disabled')
    await card.getByTestId('server-toggle-enabled').click()
    await expect(card.getByTestId('server-state')).toHaveText('online')

    await card.getByTestId('server-edit').click()
    const form = page.getByTestId('server-form')
    await form.getByTestId('server-form-name').fill(renamed)
    await form.getByTestId('server-form-save').click()
    await expect(app.serverCard(renamed)).toBeVisible()
    await servers.remove(renamed)
    app.expectNoConsoleErrors()
  } finally {
    await sim.stop()
    await removeServersNamed(page.request, name)
    await removeServersNamed(page.request, renamed)
  }
})
