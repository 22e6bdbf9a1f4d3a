/**
 * Time for the Compare page to draw the epsilon-vs-accuracy scatter of all 15,625 NAS-Bench-201
 * architectures in Chromium. Synthetic scores, accuracies and parameter counts (the real ones need
 * hours of scoring and a 1.3 GB download) go into a real SQLite file; the built renderer is served
 * by the real HTTP bridge and driven by playwright-core.
 *
 *   npx tsx bench/ui-compare-scatter.ts [--runs 7] [--points 15625] [--nan 0]
 *
 * --screenshot FILE: also save the page after the last run.
 * --nan: fraction of NaN scores (not plotted); 0 plots every point, 0.41 is the real run's share.
 *
 * Reports per run: the chart's own render time (setOption to ECharts' 'finished'), and the
 * wall time from navigation to the finished chart (page load + compare:get + JSON + render).
 * Then, on the virtualised table of all rows below the plot: the time to sort by epsilon (click
 * to the new first row painted) and to scroll to the end.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startHttpBridge } from '../src/main/bridge/index.ts'
import { engineKey } from '../src/main/core/scoring/index.ts'
import { enumerateNb201 } from '../src/main/core/spaces/nb201/index.ts'
import { createJob } from '../src/main/jobs/job-runner.ts'
import { createApiServices } from '../src/main/services/api/index.ts'
import { resolveEngine } from '../src/main/services/scoring.ts'
import { openBenchmarkStore } from '../src/main/store/benchmarks.ts'
import { openStore } from '../src/main/store/index.ts'
import { launchChromium } from '../tests/e2e/browser.ts'
import { ensureRendererBuilt, RENDERER_OUT } from '../tests/e2e/build-renderer.ts'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, points: { type: 'string', default: '15625' }, nan: { type: 'string', default: '0' }, screenshot: { type: 'string' } } })
const runs = Number(values.runs)
const count = Number(values.points)
const nanFraction = Number(values.nan)

/** A seeded generator so every run draws the same synthetic data. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

async function main(): Promise<void> {
  await ensureRendererBuilt()
  const dir = mkdtempSync(join(tmpdir(), 'epsinas-ui-bench-'))
  const store = openStore(join(dir, 'epsinas.db'))
  const archs = enumerateNb201().slice(0, count)
  const rand = random(1)
  const { engine } = await resolveEngine('collapsed', 'auto')
  const configId = store.configId({ space: 'nb201', dataset: 'cifar10', classes: 10, imageSize: 32, input: 'grey', inputSeed: 0, batchSize: 256, weights: [1e-7, 1], engine: engineKey(engine) })
  store.putMany(configId, archs.map((arch) => (rand() < nanFraction ? { arch, epsilon: null, nanReason: 'outputs-constant', ms: 0, canonical: null } : { arch, epsilon: rand(), nanReason: null, ms: 1, canonical: null })))
  const jobId = createJob(store, { kind: 'score', space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 256, engine: 'collapsed', backend: 'auto', pairs: [[1e-7, 1]] }, archs)
  store.jobs.setState(jobId, 'done')
  const tables = openBenchmarkStore(store.path)
  tables.db.transaction(() => {
    const accuracy = tables.db.prepare("INSERT INTO space_accuracies VALUES ('nb201', ?, 'cifar10', 'ori-test', 200, ?, ?, ?, 3)")
    const cost = tables.db.prepare("INSERT INTO space_costs VALUES ('nb201', ?, 'cifar10', ?, NULL, NULL)")
    for (const arch of archs) {
      const a = 10 + 84 * rand()
      accuracy.run(arch, a, a - 1, a + 1)
      cost.run(arch, 0.07 + 1.5 * rand())
    }
  })()
  tables.close()

  const services = createApiServices({ store, version: 'bench', workers: 1, dataDir: dir })
  const bridge = await startHttpBridge({ handlers: services.handlers, progress: services.progress, rendererDir: RENDERER_OUT })
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
    const results: Array<{ render: number; wall: number }> = []
    for (let run = 0; run < runs; run++) {
      const started = Date.now()
      await page.goto(`${bridge.url}#/compare`)
      const caption = page.getByTestId('plot-count')
      await caption.filter({ hasText: 'drawn in' }).waitFor({ timeout: 60_000 })
      const wall = Date.now() - started
      const text = (await caption.textContent()) ?? ''
      const plotted = Number(await caption.getAttribute('data-count'))
      const render = Number(/drawn in (\d+) ms/.exec(text)?.[1])
      results.push({ render, wall })
      process.stdout.write(`run ${run + 1}: ${plotted} points plotted, chart render ${render} ms, navigation to drawn ${wall} ms\n`)
    }
    const table = page.locator('[data-table="Compared architectures"]')
    const firstRow = table.locator('[role="row"][aria-rowindex="2"] [role="cell"]').first()
    const before = await firstRow.textContent()
    let started = Date.now()
    await table.getByRole('columnheader', { name: 'epsilon' }).click()
    // Polled in the page (every animation frame), so the time is the click to the new row painted.
    await firstRow.filter({ hasNotText: before ?? '' }).waitFor({ timeout: 30_000 })
    const sortMs = Date.now() - started
    started = Date.now()
    await table.locator('.body').evaluate((el) => el.scrollTo({ top: el.scrollHeight }))
    await table.locator(`[role="row"][aria-rowindex="${count + 1}"]`).waitFor()
    const scrollMs = Date.now() - started
    const domRows = await table.locator('[role="row"]').count()
    process.stdout.write(`table of ${count} rows: sort by epsilon ${sortMs} ms, scroll to the last row ${scrollMs} ms, ${domRows} rows in the DOM\n`)
    if (values.screenshot) await page.screenshot({ path: values.screenshot, fullPage: true })
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
    process.stdout.write(`median of ${runs}: chart render ${median(results.map((r) => r.render))} ms, navigation to drawn ${median(results.map((r) => r.wall))} ms (${archs.length} scores, Chromium ${browser.version()})\n`)
  } finally {
    await browser.close()
    await bridge.close()
    await services.dispose()
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
