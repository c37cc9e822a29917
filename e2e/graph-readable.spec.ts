import { expect, test } from './fixtures'
import { dropPrompt } from './support/farm'
import { uniqueWord } from './support/workflows'

test('the run graph shows widget values, the saved image on its output node, and a visible keyboard focus', async ({
  page,
  farm,
}) => {
  const name = uniqueWord('graph-gpu-')
  const { app } = await farm.openWithServer({ name, gpu: 'NVIDIA GeForce RTX 4070', gpuLabel: 'RTX 4070' })
  const word = uniqueWord('graph')
  await dropPrompt(app, word, { text: `${word} lighthouse`, seed: 5, steps: 12 })
  await app.expectRunStatus(word, 'completed')
  await app.openRun(word)

  const sampler = app.graphNodes().and(page.locator('[data-node-id="3"]'))
  await expect(sampler.getByTestId('graph-node-widgets')).toContainText('steps: 12')
  await expect(sampler.getByTestId('graph-node-widgets')).toContainText('cfg: 8')
  const save = app.graphNodes().and(page.locator('[data-node-id="9"]'))
  const img = save.getByTestId('graph-node-image')
  await expect(img).toBeVisible()
  await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)

  // Tab from the view switch into the graph until a node card has the focus: its ring must show.
  await page.getByTestId('view-graph').focus()
  const focusedNode = async (): Promise<boolean> =>
    page.evaluate(() => document.activeElement?.classList.contains('react-flow__node') ?? false)
  for (let i = 0; i < 40 && !(await focusedNode()); i++) await page.keyboard.press('Tab')
  expect(await focusedNode()).toBe(true)
  const outline = await page.evaluate(() => {
    const card = document.activeElement?.querySelector('.gnode')
    return card ? getComputedStyle(card).outlineStyle : 'none'
  })
  expect(outline).toBe('solid')
  await app.screenshot('run-detail')
  app.expectNoConsoleErrors()
})
