import { expect, test } from './fixtures'
import { dropPrompt } from './support/farm'
import { uniqueWord } from './support/workflows'

test('a node that raises shows its error in the graph and the run fails with the message', async ({ page, farm }) => {
  const name = uniqueWord('oom-gpu-')
  const { app, servers, sim } = await farm.openWithServer({
    name,
    gpu: 'NVIDIA GeForce RTX 3050',
    gpuLabel: 'RTX 3050',
  })
  // Not an out-of-memory error: those are retried elsewhere; this one must fail the run at once.
  sim.setFaults({ errorAtNode: { classType: 'VAEDecode', exceptionType: 'RuntimeError', message: 'decoder exploded' } })
  const word = uniqueWord('broken')
  await dropPrompt(app, word, { text: `${word} fails`, seed: 9 })
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
})
