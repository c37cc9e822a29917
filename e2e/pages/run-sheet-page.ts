import { expect, type Locator, type Page } from '@playwright/test'

/** The run sheet's inputs form: fields are addressed by node id and input name, as in the workflow file. */
export class RunSheetPage {
  readonly root: Locator

  constructor(readonly page: Page) {
    this.root = page.getByTestId('run-sheet')
  }

  async expectInputsLoaded(): Promise<void> {
    await expect(this.root).toBeVisible()
    await expect(this.root.getByTestId('sheet-inputs')).toBeVisible()
  }

  input(nodeId: string, input: string): Locator {
    return this.root.getByTestId(`input-${nodeId}-${input}`)
  }

  error(nodeId: string, input: string): Locator {
    return this.root.getByTestId(`error-${nodeId}-${input}`)
  }

  /** Switches a field to "vary" (a seed through its mode picker, others with their Vary button) and types the values. */
  async vary(nodeId: string, input: string, values: string): Promise<void> {
    const mode = this.root.getByTestId(`mode-${nodeId}-${input}`)
    if (await mode.count()) await mode.selectOption('vary')
    else await this.root.getByTestId(`vary-toggle-${nodeId}-${input}`).click()
    await this.root.getByTestId(`vary-${nodeId}-${input}`).fill(values)
  }

  async run(): Promise<void> {
    await this.root.getByTestId('sheet-run').click()
  }
}
