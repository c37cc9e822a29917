import { expect, test } from './fixtures'
import { dropPrompt } from './support/farm'
import { uniqueWord } from './support/workflows'

/** A slow RTX 3060 (50 ms a step), so a 400-step sampler is still running when the test acts. */
const SLOW_3060 = { gpu: 'NVIDIA GeForce RTX 3060', gpuLabel: 'RTX 3060', stepMs: 50 }

test('a cancel reads as cancelled, not as an error: no node keeps running, no red box, no "outputs yet"', async ({
  page,
  farm,
}) => {
  const { app } = await farm.openWithServer({ name: uniqueWord('cancel-gpu-'), ...SLOW_3060 })
  const word = uniqueWord('stopme')
  await dropPrompt(app, word, { text: `${word} long`, seed: 7, steps: 400 })
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
})

test('a server that dies mid-run: the run shows moving, then completes on another server, and the log says why', async ({
  page,
  farm,
}) => {
  const slowName = uniqueWord('dying-')
  const fastName = uniqueWord('spare-')
  const { app, slow, releaseSpare } = await farm.openWithSlowAndSpare({ slow: slowName, spare: fastName })
  const word = uniqueWord('survivor')
  await dropPrompt(app, word, { text: `${word} long`, seed: 3, steps: 400 })
  await app.expectRunStatus(word, 'running')
  await expect(app.runRow(word).locator('.cell-server')).toContainText(slowName)
  await releaseSpare()

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
})

test('nodes ComfyUI serves from its cache show as cached while the run is still going, not pending', async ({
  page,
  farm,
}) => {
  const { app } = await farm.openWithServer({ name: uniqueWord('cache-gpu-'), ...SLOW_3060 })
  const first = uniqueWord('warm')
  await dropPrompt(app, first, { text: 'a shared prompt', seed: 1, steps: 4 })
  await app.expectRunStatus(first, 'completed')
  // Same model and prompts, another seed and a long sampler: the loader and text encoders come from the cache.
  const second = uniqueWord('reuse')
  await dropPrompt(app, second, { text: 'a shared prompt', seed: 2, steps: 400 })
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
})
