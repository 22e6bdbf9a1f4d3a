/**
 * End to end: the built renderer in Debian's Chromium, served by the real HTTP bridge over real
 * services, a real SQLite file and a local HTTP server with a fixture benchmark. One world for the
 * whole file (the steps build on each other: install, score, compare, sweep), screenshots of every page.
 */
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { CompareRequest } from '../../src/shared/api.ts'
import { selectArchs } from '../../src/main/cli/arch-selection.ts'
import { registerSpace, unregisterSpace } from '../../src/main/core/spaces/registry.ts'
import { TOY_SPACE_ID, toySpace } from '../core/spaces/toy-space.ts'
import { chromiumPath } from './browser.ts'
import { ensureRendererBuilt } from './build-renderer.ts'
import { startWorld, type World } from './harness.ts'
import { chartReady, openPage, screenshot, stateOf, until } from './steps.ts'
import { DEFAULT_SELECTION_STRATEGY } from '../../src/shared/selection.ts'

const SAMPLE = { limit: 8, seed: 3 }
const CONFIG: CompareRequest = { space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 16, weights: [1e-7, 1], engine: 'collapsed', backend: 'auto' }

let world: World

/** A statistic as the page shows it ('n/a' for undefined), read back as a number to compare with the service. */
function expectStat(text: string | null, value: number | null): void {
  if (value === null) expect(text).toBe('n/a')
  else expect(Number(text)).toBeCloseTo(value, 3)
}

function open(page: Page, hash: string): Promise<void> {
  return openPage(page, world.bridge.url, hash)
}

async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, world.artifacts, name)
}

beforeAll(async () => {
  // First, before anything is started: a missing Chromium fails the suite with how to install it.
  chromiumPath()
  await ensureRendererBuilt()
  world = await startWorld(await selectArchs('nb201', { kind: 'sample', ...SAMPLE }))
})

afterAll(async () => {
  await world?.close()
})

describe('the workbench in Chromium over the HTTP bridge', () => {
  test('Benchmarks: a fixture benchmark is downloaded with a live progress bar, cancelled, resumed, converted', async () => {
    const { page, files, fixture } = world
    // The first response stalls after half the file, so the bar is seen mid-way and Cancel has something to stop.
    files.route('/zc_nasbench201.json', { body: fixture, etag: '"fixture-1"', script: [{ kind: 'pause', after: Math.floor(fixture.length / 2) }] })
    await open(page, 'benchmarks')
    const row = page.locator('tr[data-item="zc-nasbench201"]')
    expect(await stateOf(row)).toBe('missing')

    await row.getByRole('button', { name: 'Download' }).click()
    const bar = row.getByRole('progressbar')
    const percent = await until('the progress bar to move', async () => Number((await bar.getAttribute('aria-valuenow')) ?? 0), (v) => v > 0)
    expect(percent).toBeLessThan(100)
    await shot(page, 'benchmarks-downloading')

    await row.getByRole('button', { name: 'Cancel' }).click()
    await until('the item to be partial', () => stateOf(row), (s) => s === 'partial')
    await row.getByRole('button', { name: 'Resume' }).click()
    await until('the download to finish', () => stateOf(row), (s) => s === 'needs-conversion')
    // The resumed request asked only for the rest of the file.
    expect(files.requests.at(-1)?.range).toMatch(/^bytes=\d+-$/)

    await row.getByRole('button', { name: 'Convert' }).click()
    await until('the conversion', () => stateOf(row), (s) => s === 'ready')
    const listed = await world.services.handlers['benchmarks:list']()
    expect(listed.find((item) => item.id === 'zc-nasbench201')?.state).toBe('ready')
    await shot(page, 'benchmarks')
  })

  test('Runs: a scoring run on an 8-architecture NB201 sample is started, followed to done, filtered', async () => {
    const { page } = world
    await open(page, 'runs')
    await page.locator('input[name="batchSize"]').fill('16')
    await page.locator('input[name="sampleSize"]').fill(String(SAMPLE.limit))
    await page.locator('input[name="sampleSeed"]').fill(String(SAMPLE.seed))
    await page.getByRole('button', { name: 'Start run' }).click()

    const job = page.locator('tr[data-job]').first()
    await until('the job to finish', () => stateOf(job), (s) => s === 'done', 60_000)
    expect(await job.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100')
    const table = page.locator('[data-table="Scores"]')
    await until('the results', () => table.locator('.foot').textContent(), (t) => t === `${SAMPLE.limit} rows`)

    const scores = await world.services.handlers['scores:list'](CONFIG)
    expect(scores).toHaveLength(SAMPLE.limit)
    await page.getByLabel('Filter by architecture').fill(scores[0].arch)
    await until('the filter', () => table.locator('.foot').textContent(), (t) => t === '1 rows')
    await page.getByLabel('Filter by architecture').fill('')
    await page.getByLabel('Filter by architecture').blur()
    await shot(page, 'runs')
  })

  test('Compare: one point per scored architecture with an epsilon, and the statistics equal the service', async () => {
    const { page } = world
    await open(page, 'compare')
    const expected = await world.services.handlers['compare:get'](CONFIG)
    const plotted = expected.points.filter((p) => p.epsilon !== null && p.accuracy !== null)
    // Every scored architecture has a fixture accuracy, so the only ones left out are NaN scores.
    expect(plotted.length).toBe(expected.points.filter((p) => p.epsilon !== null).length)
    expect(expected.points).toHaveLength(SAMPLE.limit)

    const count = page.getByTestId('plot-count')
    await until('the scatter', () => count.getAttribute('data-count'), (c) => c === String(plotted.length))
    expect(await page.locator('[data-chart="epsilon vs accuracy"] canvas').count()).toBeGreaterThan(0)
    expect(expected.stats.map((s) => s.proxy)).toEqual(['epsilon', 'jacov', 'synflow'])
    for (const stats of expected.stats) {
      const row = page.locator(`tr[data-proxy="${stats.proxy}"]`)
      expect(await row.locator('[data-stat="n"]').textContent()).toBe(String(stats.n))
      expect(await row.locator('[data-stat="nan"]').textContent()).toBe(String(stats.nan))
      expectStat(await row.locator('[data-stat="spearman"]').textContent(), stats.spearman)
      expectStat(await row.locator('[data-stat="kendall"]').textContent(), stats.kendall)
      expectStat(await row.locator('[data-stat="top10_top10"]').textContent(), stats.top10_top10)
    }
    expect(await page.locator('[data-chart="synflow vs accuracy"]').count()).toBe(1)

    // Linked selection: a rectangle brushed over the whole plot selects every plotted point...
    // The drag goes on a plot the page reports drawn at its current size, with the brush on.
    const chart = await chartReady(page, 'epsilon vs accuracy')
    const box = await chart.boundingBox()
    if (!box) throw new Error('the scatter has no box')
    await page.mouse.move(box.x + 58, box.y + 42)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 })
    await page.mouse.move(box.x + box.width - 22, box.y + box.height - 46, { steps: 5 })
    await page.mouse.up()
    await until('the brushed selection', () => page.locator('#sel-heading').textContent(), (t) => t?.includes(`${plotted.length} selected`) === true)
    await page.getByLabel('only selected').check()
    await until('only the selected rows', () => page.locator('[data-table="Compared architectures"] .foot').textContent(), (t) => t === `${plotted.length} rows`)
    await shot(page, 'compare')

    // ... and a row picked in the table toggles that one architecture.
    await page.getByRole('button', { name: 'Clear selection' }).click()
    await page.getByLabel('only selected').uncheck()
    await page.locator('[data-table="Compared architectures"] [role="row"][aria-rowindex="2"]').click()
    await until('the selection', () => page.locator('#sel-heading').textContent(), (t) => t?.includes('1 selected') === true)

    // Exports: the figure as SVG, the joined data as CSV.
    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG' }).click()])
    expect(readFileSync((await svg.path()) ?? '', 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/)
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Data CSV' }).click()])
    const lines = readFileSync((await csv.path()) ?? '', 'utf8').trim().split('\r\n')
    expect(lines[0]).toBe('arch,epsilon,accuracy,params_m,jacov,synflow')
    expect(lines).toHaveLength(SAMPLE.limit + 1)
  })

  test('Weights: a sweep is run, its heatmap drawn, and the automatic pair is picked for new runs', async () => {
    const { page } = world
    await open(page, 'weights')
    await page.locator('input[name="exponents"]').fill('-3..1')
    await page.locator('input[name="batchSize"]').fill('16')
    await page.locator('input[name="sampleSize"]').fill(String(SAMPLE.limit))
    await page.locator('input[name="sampleSeed"]').fill(String(SAMPLE.seed))
    // The fixture benchmark installed above provides the accuracies, so the sweep has statistics too.
    await page.locator('input[name="withAccuracies"]').check()
    await page.getByRole('button', { name: 'Start sweep' }).click()

    const chosen = page.getByTestId('chosen-pair')
    await chosen.waitFor({ timeout: 60_000 })
    const sweeps = await world.services.handlers['sweeps:list']()
    const selection = await world.services.handlers['weights:select']({ jobId: sweeps[0].job.id, strategy: DEFAULT_SELECTION_STRATEGY, bootstrap: 0 })
    expect(selection.chosen).not.toBeNull()
    expect(JSON.parse((await chosen.getAttribute('data-weights')) ?? 'null')).toEqual(selection.chosen?.weights)
    const heatmap = await chartReady(page, 'Sweep heatmap')
    expect(await heatmap.locator('canvas').count()).toBeGreaterThan(0)
    // A tooltip over a cell: under the strict CSP it must not be markup with inline styles (the
    // harness fails the run on any CSP violation in the console). The bottom-right cell (lowest low,
    // highest high exponent) always holds a pair; the grid's margins are those of heatmapOption.
    const cells = await heatmap.boundingBox()
    if (!cells) throw new Error('the heatmap has no box')
    await page.mouse.move(cells.x + cells.width - 24 - 20, cells.y + cells.height - 96 - 20)
    expect(sweeps[0].hasAccuracies).toBe(true)
    await page.getByLabel('Heatmap metric').selectOption('spearman')
    await until('the Spearman heatmap', () => page.locator('#heat-heading').textContent(), (t) => t === 'Spearman rho per weight pair')
    await page.getByRole('button', { name: 'Use this pair' }).click()
    await page.getByRole('button', { name: 'In use for new runs' }).waitFor()
    await shot(page, 'weights')

    await open(page, 'runs')
    await page.locator('select[name="weightMode"]').selectOption('automatic')
    const automatic = JSON.stringify(selection.chosen?.weights)
    await until('the automatic pair in the form', () => page.locator('.submit [data-weights]').getAttribute('data-weights'), (w) => w === automatic)
  })

  test('Settings: the backend in use with its reason, the data folder and the cache size', async () => {
    const { page } = world
    await open(page, 'settings')
    const info = await world.services.handlers['app:info']()
    await until('the backend', () => page.getByTestId('backend').textContent(), (t) => t === info.backend)
    expect(await page.locator('main').textContent()).toContain(info.dataDir)
    await shot(page, 'settings')
  })

  test('Runs: a long run is paused, resumed and cancelled from the jobs table; Settings then clears the cache', async () => {
    const { page } = world
    await open(page, 'runs')
    await page.locator('select[name="input"]').selectOption('normal')
    await page.locator('input[name="batchSize"]').fill('16')
    await page.locator('input[name="sampleSize"]').fill('3000')
    await page.getByRole('button', { name: 'Start run' }).click()
    const job = page.locator('tr[data-job]').first()
    await until('the long run to start', () => stateOf(job), (s) => s === 'running', 30_000)
    await job.getByRole('button', { name: 'Pause' }).click()
    await until('the pause', () => stateOf(job), (s) => s === 'paused')
    await job.getByRole('button', { name: 'Resume' }).click()
    await until('the resume', () => stateOf(job), (s) => s === 'running' || s === 'queued')
    await job.getByRole('button', { name: 'Cancel' }).click()
    await until('the cancel', () => stateOf(job), (s) => s === 'cancelled')
    const id = await job.getAttribute('data-job')
    expect(world.store.jobs.get(id ?? '')?.state).toBe('cancelled')

    await open(page, 'settings')
    await page.getByRole('button', { name: 'Clear score cache…' }).click()
    await page.getByRole('button', { name: 'Yes, clear the cache' }).click()
    await page.getByText(/^Cleared \d+ scores and \d+ jobs/).waitFor()
    expect(world.store.countScores()).toBe(0)
  })

  test('Weights: a sweep the service refuses shows its message, keeps the form, and the next good start clears it', async () => {
    const { page } = world
    await open(page, 'weights')
    const before = (await world.services.handlers['sweeps:list']()).length
    await page.locator('input[name="exponents"]').fill('-3,-2')
    await page.locator('input[name="batchSize"]').fill('1')
    await page.locator('input[name="sampleSize"]').fill('2')
    await page.getByRole('button', { name: 'Start sweep' }).click()

    const alert = page.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toMatch(/batchSize.*from 2 to 4096/)
    expect(await page.locator('input[name="batchSize"]').inputValue()).toBe('1')
    expect(await page.locator('input[name="exponents"]').inputValue()).toBe('-3,-2')
    expect(await world.services.handlers['sweeps:list']()).toHaveLength(before)

    await page.locator('input[name="batchSize"]').fill('2')
    await page.getByRole('button', { name: 'Start sweep' }).click()
    await alert.waitFor({ state: 'detached' })
    const sweeps = await until('the good sweep to finish', () => world.services.handlers['sweeps:list'](), (list) => list.length === before + 1 && list.every((s) => s.job.state === 'done'), 30_000)
    expect(sweeps[0].exponents).toEqual([-3, -2])
  })

  test('Runs: the space pickers offer what spaces:list lists, a space registered in the serving process included', async () => {
    const { page } = world
    // The services run in this process: a space registered here is one the renderer has never seen.
    registerSpace(toySpace)
    try {
      await open(page, 'runs')
      const spaces = page.locator('select[name="space"] option')
      // Exactly what the API lists, in its order: the built-ins, then the space registered above.
      const listed = (await world.services.handlers['spaces:list']()).map((space) => space.title)
      expect(listed.at(-1)).toBe(toySpace.title)
      const titles = await until('the listed spaces', () => spaces.allTextContents(), (t) => t.length === listed.length)
      expect(titles).toEqual(listed)
      expect(await page.locator('select[name="space"]').inputValue()).toBe('nb201')
      await page.locator('select[name="space"]').selectOption(TOY_SPACE_ID)
      await until('its datasets', () => page.locator('select[name="dataset"] option').allTextContents(), (d) => d.join() === 'cifar10,cifar100')
      await until('its default pair', () => page.locator('.submit [data-weights]').getAttribute('data-weights'), (w) => w === JSON.stringify(toySpace.defaultWeights))
    } finally {
      unregisterSpace(TOY_SPACE_ID)
    }
  })
})
