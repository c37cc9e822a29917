import { openCache } from '../src-main/cache'
import { expect, test } from './fixtures'
import { AppPage } from './pages/app-page'

/**
 * 1,000 finished runs written straight into the app's cache (the list's behaviour at scale is under test,
 * not the engine's throughput): every 100th mentions "needle", every 10th failed.
 */
async function seedRuns(dataDir: string, n: number): Promise<void> {
  const cache = openCache(dataDir)
  try {
    for (let i = 0; i < n; i++) {
      const id = `run-seed-${String(i).padStart(4, '0')}`
      cache.runs.insertRun({
        id,
        workflowId: id,
        name: `bulk ${String(i).padStart(4, '0')}`,
        createdAt: 1_700_000_000_000 + i * 1000,
        prompt: { '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } } },
        positive: i % 100 === 0 ? `a needle in a haystack ${i}` : `a haystack ${i}`,
        negative: null,
        seed: i,
        models: [],
      })
      const failed = i % 10 === 9
      await cache.finishRun(id, {
        status: failed ? 'failed' : 'completed',
        finishedAt: 1_700_000_000_000 + i * 1000 + 500,
        outputs: [],
        ...(failed ? { error: { kind: 'execution' as const, message: 'seeded failure' } } : {}),
      })
    }
  } finally {
    cache.close()
  }
}

test('1,000 runs: a virtualized list with search, status filter, bulk retry/cancel and clear finished', async ({
  page,
  app: handle,
}) => {
  await seedRuns(handle.dataDir, 1000)
  const app = new AppPage(page)
  await app.open()
  await expect(page.getByTestId('runs-recent-title')).toContainText('1000')
  // Only what is on screen is rendered.
  expect(await page.getByTestId('run-row').count()).toBeLessThan(60)
  await app.screenshot('runs-scale')

  await page.getByTestId('runs-search').fill('needle')
  await expect(page.getByTestId('runs-shown')).toHaveText('10 shown')
  await expect(page.getByTestId('run-row')).toHaveCount(10)
  await page.getByTestId('runs-search').fill('')

  await page.getByTestId('runs-status-filter').selectOption('failed')
  await expect(page.getByTestId('runs-shown')).toHaveText('100 shown')
  const rows = page.getByTestId('run-row')
  await rows.nth(0).getByTestId('run-select').check()
  await rows.nth(1).getByTestId('run-select').check()
  await expect(page.getByTestId('runs-selection')).toContainText('2 selected')
  // No server is registered: the retried runs wait for one, so they can be cancelled together.
  await page.getByTestId('runs-bulk-retry').click()
  await page.getByTestId('runs-status-filter').selectOption('active')
  await expect(page.getByTestId('runs-shown')).toHaveText('2 shown')
  await rows.nth(0).getByTestId('run-select').check()
  await rows.nth(1).getByTestId('run-select').check()
  await page.getByTestId('runs-bulk-cancel').click()
  await expect(page.getByTestId('runs-shown')).toHaveText('0 shown')

  await page.getByTestId('runs-status-filter').selectOption('any')
  await page.getByTestId('runs-clear-finished').click()
  await expect(page.getByTestId('runs-recent-title')).toContainText('0')
  await app.nav('history')
  await app.nav('runs')
  await expect(page.getByTestId('runs-recent-title')).toContainText('0')
  app.expectNoConsoleErrors()
})
