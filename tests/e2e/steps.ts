/** The steps every e2e file takes in the page: wait on a state, open a page, wait for a chart, take a screenshot. */
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'

/** Polls `read` until `ok` accepts its value (Playwright's expect is not used: vitest asserts). */
export async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: T | undefined
  for (;;) {
    last = await read()
    if (ok(last)) return last
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(last)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Opens a page of the workbench served at `url` and waits for its own heading. */
export async function openPage(page: Page, url: string, hash: string): Promise<void> {
  await page.goto(`${url}#/${hash}`)
  // This page's own heading, not whatever page was shown before.
  await page.locator(`nav a[href="#/${hash}"][aria-current="page"]`).waitFor()
  await page.locator('main h1').waitFor()
}

/** Waits until the chart says it has drawn its latest option at its current size (Chart.svelte's data-state). */
export async function chartReady(page: Page, label: string): Promise<Locator> {
  const chart = page.locator(`[data-chart="${label}"]`)
  await page.locator(`[data-chart="${label}"][data-state="ready"]`).waitFor()
  return chart
}

/** A full-page screenshot `<dir>/<name>.png`, from the top. */
export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  // A string expression: the tests are type-checked without DOM types.
  await page.evaluate('window.scrollTo(0, 0)')
  const path = join(dir, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

/** The state a row's first badge names (data-state). */
export function stateOf(row: Locator): Promise<string | null> {
  return row.locator('.badge').first().getAttribute('data-state')
}
