/**
 * Timing taken inside the page (the browser's own clock), so the figures do not include the
 * Playwright round trip between this process and Chromium.
 */
import type { Page } from 'playwright-core'

export interface FrameRecord {
  /** Milliseconds between consecutive requestAnimationFrame callbacks. */
  deltas: number[]
  /** DOM mutation records seen meanwhile: evidence the screen was being updated by the stream. */
  mutations: number
}

/**
 * Clicks a nav button and measures, with `performance.now()`, until the user can see the new
 * screen's first row: a MutationObserver sees the row in the DOM, then one animation frame plus the
 * task after it (the browser paints between the two).
 */
export async function timeNavigation(page: Page, navTestId: string, readySelector: string): Promise<number> {
  return await page.evaluate(
    async ({ nav, ready, timeoutMs }) => {
      const button = document.querySelector<HTMLElement>(`[data-testid="${nav}"]`)
      if (!button) throw new Error(`no [data-testid="${nav}"] on the page`)
      // Rows already on screen would time nothing but the click.
      if (document.querySelector(ready)) throw new Error(`${ready} is already on screen before clicking ${nav}`)
      const t0 = performance.now()
      button.click()
      await new Promise<void>((resolve, reject) => {
        if (document.querySelector(ready)) return resolve()
        const timer = setTimeout(() => {
          observer.disconnect()
          reject(new Error(`${ready} did not appear within ${timeoutMs} ms of clicking ${nav}`))
        }, timeoutMs)
        const observer = new MutationObserver(() => {
          if (!document.querySelector(ready)) return
          observer.disconnect()
          clearTimeout(timer)
          resolve()
        })
        observer.observe(document.body, { childList: true, subtree: true })
      })
      await new Promise<void>((resolve) =>
        requestAnimationFrame(() => {
          const channel = new MessageChannel()
          channel.port1.onmessage = () => resolve()
          channel.port2.postMessage(null)
        })
      )
      return performance.now() - t0
    },
    { nav: navTestId, ready: readySelector, timeoutMs: 30_000 }
  )
}

/** Records every animation frame for `ms` milliseconds, and counts DOM mutations meanwhile. */
export async function recordFrames(page: Page, ms: number): Promise<FrameRecord> {
  return await page.evaluate(async (duration) => {
    const deltas: number[] = []
    let mutations = 0
    const observer = new MutationObserver((records) => (mutations += records.length))
    observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true })
    // A loop of awaited frames with no named function: tsx (esbuild keepNames) wraps named functions
    // in a `__name` helper that does not exist in the page.
    let last = await new Promise<number>((resolve) => requestAnimationFrame(resolve))
    const end = last + duration
    while (last < end) {
      const t = await new Promise<number>((resolve) => requestAnimationFrame(resolve))
      deltas.push(t - last)
      last = t
    }
    observer.disconnect()
    return { deltas, mutations }
  }, ms)
}
