/**
 * The Studies page's picker in Chromium (issue 16 section 2): a study run by the real CLI (`epsinas
 * study inputs` on a few NB201 archs, a child process on the world's cache) is stored beside that
 * cache; the page lists it next to the search simulation, and picking it shows its table, ours
 * beside Table 11's values, and its plot. Leaves studies-picker.png in the artifacts folder.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { listStoredStudies } from '../../src/main/services/studies-store.ts'
import type { StoredStudyView } from '../../src/shared/api.ts'
import { epsinas } from '../cli/helpers.ts'
import { chromiumPath } from './browser.ts'
import { ensureRendererBuilt } from './build-renderer.ts'
import { startWorld, type World } from './harness.ts'
import { chartReady, openPage, screenshot, until } from './steps.ts'

const ARCHS = Array.from({ length: 8 }, (_, i) => nb201ArchAt(i * 1931 + 7))

let world: World
let study: StoredStudyView

beforeAll(async () => {
  chromiumPath()
  await ensureRendererBuilt()
  world = await startWorld(ARCHS)
  const accuracies = join(world.dir, 'acc.csv')
  writeFileSync(accuracies, `arch,accuracy\n${ARCHS.map((arch, i) => `${arch},${70 + ((i * 5) % 11)}`).join('\n')}\n`)
  const run = epsinas(['study', 'inputs', '--accuracies', accuracies, '--batch', '4', '--workers', '1', '--no-progress', '--db', world.store.path], { EPSINAS_HOME: join(world.dir, 'home') })
  expect(run.stderr).toContain('study stored for the Studies page')
  expect(run.status).toBe(0)
  ;[study] = listStoredStudies(world.store.path)
})

afterAll(async () => {
  await world?.close()
})

describe('Studies: the study picker', () => {
  test('lists a stored study beside the search simulation and shows its table with the paper\'s values and its plot', async () => {
    const { page } = world
    await openPage(page, world.bridge.url, 'studies')
    // The search simulation is what the page opens on.
    await expect(page.getByRole('button', { name: 'Run study' }).isVisible()).resolves.toBe(true)
    const options = await until('the stored study in the picker', () => page.locator('select[name="study"] option').allTextContents(), (texts) => texts.length === 2)
    expect(options[0]).toBe('Search simulation (random search, ageing evolution)')
    expect(options[1]).toMatch(/^inputs: nb201\/cifar10, 8 archs, Table 11 \(\d{4}-\d\d-\d\d \d\d:\d\d\)$/)
    await page.locator('select[name="study"]').selectOption(study.id)
    await chartReady(page, 'study plot')
    expect(await page.getByTestId('stored-paper').textContent()).toBe('paper: Table 11 (NAS-Bench-201, CIFAR-10, batch 256, weights (1e-7, 1), 5,000 archs), its values in brackets')
    const rows = await Promise.all((await page.locator('table[aria-label="Study table"] tbody tr').all()).map((row) => row.locator('td').allTextContents()))
    // Each row as the study stored it: real data is not installed (listed, '-'), the four synthetic inputs scored.
    const fmt = (value: number | null | undefined, digits: number): string => (value === null || value === undefined ? 'n/a' : value.toFixed(digits))
    const digits = [2, 2, 2, 2, 1, 0]
    const keys = ['spearman', 'spearman_top10', 'kendall', 'kendall_top10', 'top10_top10', 'top64_top5'] as const
    expect(rows).toEqual(
      study.rows.map((row) => [
        row.label,
        `${row.n === null ? '-' : Math.round(row.n)}${row.paper?.archs != null ? ` (${row.paper.archs})` : ''}`,
        `${row.nan === null ? '-' : Math.round(row.nan)}`,
        ...keys.map((key, k) => `${row.unavailable !== undefined ? '-' : fmt(row.stats[key], digits[k])} (${fmt(row.paper?.[key], digits[k])})`),
      ]),
    )
    expect(rows.map((cells) => cells[0])).toEqual(['real data', 'grey scale', 'random normal', 'random uniform', 'random uniform (+)'])
    expect(rows[1][3]).toMatch(/ \(0\.87\)$/)
    expect(await page.getByText(/^real data: --input real needs the cifar10 training images/).count()).toBe(1)
    // Back to the search simulation: its form again.
    await page.locator('select[name="study"]').selectOption('search')
    await until('the search form', () => page.getByRole('button', { name: 'Run study' }).isVisible(), (visible) => visible)
    await page.locator('select[name="study"]').selectOption(study.id)
    await chartReady(page, 'study plot')
    await screenshot(page, world.artifacts, 'studies-picker')
  })
})
