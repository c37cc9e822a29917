import { expect, test } from './fixtures'
import type { AppPage } from './pages/app-page'
import { RunSheetPage } from './pages/run-sheet-page'
import { callBridge, runCount } from './support/bridge'
import { dropPrompt } from './support/farm'
import { jsonFile, uiWorkflow, uniqueWord } from './support/workflows'

interface Summary {
  id: string
  name: string
  status: string
  batchId: string | null
}
type Detail = { ok: true; value: Summary & { prompt: Record<string, { inputs: Record<string, unknown> }> } }

async function runDetail(page: AppPage, id: string): Promise<Detail['value']> {
  const res = await callBridge<Detail>(page.page.request, 'runs:get', { id })
  expect(res.ok).toBe(true)
  return res.value
}

/** A simulated RTX 4070 serving the e2e checkpoints, added and online before the test drops anything. */
const RTX_4070 = { gpu: 'NVIDIA GeForce RTX 4070', gpuLabel: 'RTX 4070' }

test('a checkpoint the server lacks is named at its field; picking one it has and editing the prompt runs with them', async ({
  page,
  farm,
}) => {
  const name = uniqueWord('sheet-gpu-')
  const { app } = await farm.openWithServer({ name, ...RTX_4070 })
  // ComfyUI's default graph as a user has it, with a checkpoint this farm does not have.
  const workflow = uiWorkflow('a glass bottle')
  const loader = workflow.nodes.find((n) => n.id === 4)!
  loader.widgets_values = ['sd_xl_base_1.0.safetensors']
  const word = uniqueWord('edited')
  // A plain drop cannot run it; instead of a dead end, the run sheet opens where it can be fixed.
  await app.drop([jsonFile(`${word}.json`, workflow)])
  await expect(app.toast('error')).toContainText('Change it in the run sheet')

  const sheet = new RunSheetPage(page)
  await sheet.expectInputsLoaded()
  await expect(sheet.error('4', 'ckpt_name')).toContainText("'sd_xl_base_1.0.safetensors' is not one of the options")
  await sheet.input('4', 'ckpt_name').selectOption('v1-5-pruned-emaonly.ckpt')
  await expect(sheet.error('4', 'ckpt_name')).toBeHidden()
  await sheet.input('6', 'text').fill(`${word} a red fox in snow`)
  await sheet.input('3', 'steps').fill('abc')
  await sheet.run()
  // A typing mistake is caught at its field and nothing is queued.
  await expect(sheet.error('3', 'steps')).toContainText('"abc" is not a number')
  expect(await runCount(page.request)).toBe(0)
  await sheet.input('3', 'steps').fill('12')
  await app.screenshot('run-sheet-inputs')
  await sheet.run()
  await expect(sheet.root).toBeHidden()

  await app.expectRunStatus(word, 'completed')
  const runs = await callBridge<Summary[]>(page.request, 'runs:list', {})
  const run = await runDetail(app, runs.find((r) => r.name === word)!.id)
  expect(run.prompt['4']!.inputs.ckpt_name).toBe('v1-5-pruned-emaonly.ckpt')
  expect(run.prompt['6']!.inputs.text).toBe(`${word} a red fox in snow`)
  expect(run.prompt['3']!.inputs.steps).toBe(12)
  app.expectNoConsoleErrors()
})

test('a seed range × cfg list becomes a grid batch with one run per combination, in grid order', async ({
  page,
  farm,
}) => {
  const name = uniqueWord('grid-gpu-')
  const { app } = await farm.openWithServer({ name, ...RTX_4070 })
  const word = uniqueWord('grid')
  await dropPrompt(app, word, { text: `${word} grid`, seed: 1, steps: 4 }, { shiftKey: true })
  const sheet = new RunSheetPage(page)
  await sheet.expectInputsLoaded()
  await sheet.vary('3', 'seed', '10..11')
  await sheet.vary('3', 'cfg', '5, 500')
  await expect(page.getByTestId('sheet-grid-note')).toBeVisible()
  await sheet.run()
  await expect(sheet.error('3', 'cfg')).toContainText('500 is bigger than the maximum 100')
  expect(await runCount(page.request)).toBe(0)
  await sheet.root.getByTestId('vary-3-cfg').fill('5, 7')
  await sheet.run()
  await expect(sheet.root).toBeHidden()

  const batch = page.getByTestId('batch-group').filter({ hasText: word })
  await expect(batch).toContainText('4/4 done', { timeout: 90_000 })
  const runs = (await callBridge<Summary[]>(page.request, 'runs:list', {})).filter((r) => r.name.startsWith(word))
  expect(runs).toHaveLength(4)
  const combos = new Map<string, string>()
  for (const r of runs) {
    const p = (await runDetail(app, r.id)).prompt['3']!.inputs
    combos.set(r.name, `${String(p.seed)}/${String(p.cfg)}`)
  }
  // Submission order: the last axis (cfg) changes fastest.
  expect([1, 2, 3, 4].map((i) => combos.get(`${word} #${i}`))).toEqual(['10/5', '10/7', '11/5', '11/7'])
  app.expectNoConsoleErrors()
})
