import { expect, type Page } from '@playwright/test'
import type { AppPage } from './app-page'

/** The Servers screen: add through the form (with Test connection), toggle, remove. */
export class ServersPage {
  constructor(
    private readonly app: AppPage,
    private readonly page: Page = app.page
  ) {}

  /** Adds a server through the dialog; checks Test connection reports the GPU first. */
  async add(name: string, address: string, expectGpu: string): Promise<void> {
    await this.app.nav('servers')
    await this.page.getByTestId('server-add').click()
    const form = this.page.getByTestId('server-form')
    await form.getByTestId('server-form-name').fill(name)
    await form.getByTestId('server-form-address').fill(address)
    await form.getByTestId('server-form-test').click()
    await expect(form.getByTestId('server-test-result')).toContainText(expectGpu)
    await form.getByTestId('server-form-save').click()
    await expect(form).toBeHidden()
  }

  async expectState(name: string, state: 'online' | 'offline' | 'degraded', timeout = 60_000): Promise<void> {
    await expect(this.app.serverCard(name)).toHaveAttribute('data-state', state, { timeout })
  }

  async remove(name: string): Promise<void> {
    await this.app.nav('servers')
    await this.app.serverCard(name).getByTestId('server-remove').click()
    await this.page.getByTestId('confirm-ok').click()
    await expect(this.app.serverCard(name)).toHaveCount(0)
  }
}
