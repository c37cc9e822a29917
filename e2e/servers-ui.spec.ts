import { expect, test } from './fixtures'
import { uniqueWord } from './support/workflows'

test('add a server, see it online with its GPU, stop it, see it offline, remove it', async ({ farm }) => {
  const name = uniqueWord('gpu-box-')
  const { app, servers, sim } = await farm.openWithServer({ name, gpu: 'NVIDIA RTX A6000', gpuLabel: 'RTX A6000' })
  await app.nav('servers')
  await expect(app.serverCard(name).getByTestId('server-gpu')).toContainText('RTX A6000')
  await app.screenshot('servers')

  await sim.stop()
  await servers.expectState(name, 'offline', 60_000)
  await app.screenshot('servers-offline')

  await servers.remove(name)
  app.expectNoConsoleErrors()
})
