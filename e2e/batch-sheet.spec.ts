import { expect, test } from './fixtures'
import { dropPrompt } from './support/farm'
import { uniqueWord } from './support/workflows'

test('Shift+drop opens the run sheet; a seed range becomes a batch grouped with its own progress', async ({
  page,
  farm,
}) => {
  const name = uniqueWord('batch-gpu-')
  const { app, servers } = await farm.openWithServer({ name, gpu: 'NVIDIA GeForce RTX 4070', gpuLabel: 'RTX 4070' })

  const word = uniqueWord('sweep')
  await dropPrompt(app, word, { text: `${word} seeds`, seed: 0 }, { shiftKey: true })
  const sheet = page.getByTestId('run-sheet')
  await expect(sheet).toBeVisible()
  await sheet.getByLabel('Seed range').check()
  await sheet.getByTestId('sheet-seed-from').fill('100')
  await sheet.getByTestId('sheet-seed-to').fill('102')
  await sheet.getByTestId('sheet-run').click()
  await expect(sheet).toBeHidden()

  const batch = page.getByTestId('batch-group').filter({ hasText: word })
  await expect(batch).toBeVisible()
  // A finished batch moves to Recent, collapsed to its header: 3/3 done, full bar.
  await expect(batch.getByRole('progressbar', { name: 'Batch progress' })).toHaveAttribute('aria-valuenow', '100', {
    timeout: 60_000,
  })
  await expect(batch).toContainText('3/3 done')
  // The batch filters offer the batch by its name.
  await expect(page.getByTestId('runs-batch-filter').locator('option', { hasText: word })).toHaveCount(1)
  await batch.getByRole('button', { name: 'Expand batch' }).click()
  await expect(batch.getByTestId('run-row').and(page.locator('[data-status="completed"]'))).toHaveCount(3)
  await app.screenshot('runs-batch')
  await servers.remove(name)
  app.expectNoConsoleErrors()
})
