import { expect, test } from './fixtures'
import { dropPrompt } from './support/farm'
import { uniqueWord } from './support/workflows'

test('cancelling a running run ends it as cancelled', async ({ page, farm }) => {
  const name = uniqueWord('slow-gpu-')
  // 400 steps at 50 ms: the run stays in the sampler long enough to be cancelled mid-flight.
  const { app, servers } = await farm.openWithServer({
    name,
    gpu: 'NVIDIA GeForce RTX 3060',
    gpuLabel: 'RTX 3060',
    stepMs: 50,
    previews: true,
  })
  const word = uniqueWord('cancelme')
  await dropPrompt(app, word, { text: `${word} long`, seed: 7, steps: 400 })
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
})
