import { expect, test } from './fixtures'
import { AppPage } from './pages/app-page'
import { ServersPage } from './pages/servers-page'
import { removeServersNamed } from './support/bridge'
import { startSim } from './support/sim'
import { uniqueWord } from './support/workflows'

test('add a server, see it online with its GPU, stop it, see it offline, remove it', async ({ page }) => {
  const name = uniqueWord('gpu-box-')
  const sim = await startSim({ name, gpu: 'NVIDIA RTX A6000' })
  try {
    const app = new AppPage(page)
    await app.open()
    const servers = new ServersPage(app)
    await servers.add(name, sim.url, 'RTX A6000')
    await servers.expectState(name, 'online')
    await expect(app.serverCard(name).getByTestId('server-gpu')).toContainText('RTX A6000')
    await app.screenshot('servers')

    await sim.stop()
    await servers.expectState(name, 'offline', 60_000)
    await app.screenshot('servers-offline')

    await servers.remove(name)
    app.expectNoConsoleErrors()
  } finally {
    await sim.stop()
    await removeServersNamed(page.request, name)
  }
})
