import { expect, test } from './fixtures'
import { uniqueWord } from './support/workflows'

test('drain, disable and rename a server from its card; changes show without reload', async ({ page, farm }) => {
  const name = uniqueWord('ctl-gpu-')
  const renamed = `${name}-b`
  const { app, servers } = await farm.openWithServer({ name, gpu: 'NVIDIA L40S', gpuLabel: 'L40S' })
  await app.nav('servers')
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
})
