import { expect, test } from './fixtures'
import { AppPage } from './pages/app-page'
import { addServerOnline, callBridge, removeServersNamed } from './support/bridge'
import { startSim } from './support/sim'
import { apiPrompt, jsonFile, uniqueWord } from './support/workflows'

/** Sets a server's draining flag through the bridge (setup, not the behaviour under test). */
async function setDraining(request: Parameters<typeof callBridge>[0], name: string, draining: boolean): Promise<void> {
  const list = await callBridge<{ id: string; name: string }[]>(request, 'servers:list', null)
  const id = list.find((s) => s.name === name)?.id
  expect(id, `server ${name}`).toBeTruthy()
  await callBridge(request, 'servers:update', { id, patch: { draining } })
}

test('removing a server with a running run moves the run to another server, where it completes', async ({ page }) => {
  const slowName = uniqueWord('slow-')
  const fastName = uniqueWord('fast-')
  const slow = await startSim({ name: slowName, gpu: 'NVIDIA GeForce RTX 3060', stepMs: 50 })
  const fast = await startSim({ name: fastName, gpu: 'NVIDIA GeForce RTX 4090', stepMs: 5 })
  try {
    const app = new AppPage(page)
    await app.open()
    await addServerOnline(page.request, slowName, slow.url)
    await addServerOnline(page.request, fastName, fast.url)
    // Only the slow server takes the run (it would run there for 20 s).
    await setDraining(page.request, fastName, true)
    await app.nav('runs')
    const word = uniqueWord('moveme')
    await app.drop([jsonFile(`${word}.json`, apiPrompt(`${word} long`, 3, 400))])
    await app.expectRunStatus(word, 'running')
    await expect(app.runRow(word).locator('.cell-server')).toContainText(slowName)
    await setDraining(page.request, fastName, false)

    await app.nav('servers')
    await app.serverCard(slowName).getByTestId('server-remove').click()
    await expect(page.getByTestId('confirm-dialog')).toContainText('Its run moves to other servers first')
    await page.getByTestId('confirm-ok').click()
    await expect(app.toast('info')).toContainText('Moved 1 run to other servers')
    await expect(app.serverCard(slowName)).toHaveCount(0)

    await app.nav('runs')
    await app.expectRunStatus(word, 'completed')
    await expect(app.runRow(word).locator('.cell-server')).toContainText(fastName)
    expect(slow.stats().interrupted).toBe(1)
    expect(Object.keys(slow.stats().executions)).toEqual([])
    app.expectNoConsoleErrors()
  } finally {
    await slow.stop()
    await fast.stop()
    await removeServersNamed(page.request, slowName)
    await removeServersNamed(page.request, fastName)
  }
})
