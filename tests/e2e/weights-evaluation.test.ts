/**
 * The Weights page in Chromium shows the evaluation of every strategy stored with the sweep
 * (issue 13): the first visit runs the harness and stores it, the next is served from the store,
 * and the page says which. Leaves weights-evaluation.png in the artifacts folder.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { cacheSyntheticSweep, runCachedSweep } from '../services/api/synthetic-sweep.ts'
import { chromiumPath } from './browser.ts'
import { ensureRendererBuilt } from './build-renderer.ts'
import { startWorld, type World } from './harness.ts'
import { openPage, screenshot, until } from './steps.ts'

const ARCHS = Array.from({ length: 20 }, (_, i) => nb201ArchAt(i * 577 + 29))
const UP = ARCHS.map((_, i) => i)

let world: World
let accuracies: string

beforeAll(async () => {
  chromiumPath()
  await ensureRendererBuilt()
  world = await startWorld(ARCHS)
  accuracies = join(world.dir, 'acc.csv')
  writeFileSync(accuracies, `arch,accuracy\n${ARCHS.map((arch, i) => `${arch},${70 + i}`).join('\n')}\n`)
  // A finished sweep served from the cache: [1e-2, 1] ranks as the accuracies, [1e-1, 1] in reverse.
  const spec = await cacheSyntheticSweep(world.store, [-2, -1, 0], ARCHS, { '-2,0': UP, '-1,0': UP.map((x) => -x), '-2,-1': [1, 0, ...UP.slice(2)] })
  await runCachedSweep(world.store, spec, ARCHS, accuracies)
})

afterAll(async () => {
  await world?.close()
})

describe('Weights: the evaluation stored with the sweep', () => {
  test('the first visit evaluates and stores, the next shows the stored evaluation', async () => {
    const { page } = world
    const line = page.getByTestId('evaluation-stored')
    await openPage(page, world.bridge.url, 'weights')
    const first = await until('the evaluation', () => line.textContent().catch(() => null), (t) => t !== null)
    expect(first).toContain(`Accuracies: ${accuracies}`)
    expect(first).toContain('now, and kept with the sweep')
    // grid: the widest pair with no NaN, [1e-2, 1], which ranks as the accuracies.
    expect(await page.locator('tr[data-strategy="grid"] [data-stat="spearman"]').textContent()).toBe('1.000')

    await page.reload()
    await openPage(page, world.bridge.url, 'weights')
    const second = await until('the stored evaluation', () => line.textContent().catch(() => null), (t) => t !== null && t.includes('kept with the sweep since'))
    expect(second).toContain(`Accuracies: ${accuracies}`)
    await page.getByTestId('evaluation-stored').scrollIntoViewIfNeeded()
    await screenshot(page, world.artifacts, 'weights-evaluation')
  })
})
