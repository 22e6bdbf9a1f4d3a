/**
 * End to end on a search space the workbench has never seen: a folder of generated ONNX models is
 * imported on the Spaces page, swept on Weights (heatmap and automatic pair), scored in full on Runs
 * with that pair, then removed. A folder with a file that is not ONNX shows the import's error line
 * and adds nothing. One world for the whole file: the steps build on each other.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { tinyOnnxModel, type TinyOnnxOptions } from '../../src/main/onnx/write.ts'
import { chromiumPath } from './browser.ts'
import { ensureRendererBuilt } from './build-renderer.ts'
import { startWorld, type World } from './harness.ts'
import { chartReady, openPage, screenshot, stateOf, until } from './steps.ts'
import { DEFAULT_SELECTION_STRATEGY } from '../../src/shared/selection.ts'

/** Six distinct architectures (width x depth), 3x32x32 input as CIFAR's: one file each. */
const MODELS: Record<string, TinyOnnxOptions> = {
  'w4-d1': { width: 4, depth: 1 },
  'w8-d1': { width: 8, depth: 1 },
  'w4-d2': { width: 4, depth: 2 },
  'w8-d2': { width: 8, depth: 2 },
  'w6-d3': { width: 6, depth: 3 },
  'w12-d1': { width: 12, depth: 1 },
}
const ARCHS = Object.keys(MODELS).length
/** The name the page suggests from the folder's name. */
const SPACE = 'tiny-convnets'

let world: World
/** The models folder, a broken one and one of BN-folded exports (the imported copies go under the world's data folder). */
let models: string
let broken: string
let folded: string

function open(page: Page, hash: string): Promise<void> {
  return openPage(page, world.bridge.url, hash)
}

async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, world.artifacts, `spaces-${name}`)
}

function rowOf(page: Page, space: string) {
  return page.locator(`tr[data-space="${space}"]`)
}

beforeAll(async () => {
  chromiumPath()
  await ensureRendererBuilt()
  const sources = mkdtempSync(join(tmpdir(), 'epsinas-e2e-onnx-'))
  models = join(sources, 'Tiny ConvNets')
  mkdirSync(models)
  for (const [id, options] of Object.entries(MODELS)) writeFileSync(join(models, `${id}.onnx`), tinyOnnxModel({ imageSize: 32, ...options }))
  broken = join(sources, 'broken')
  mkdirSync(broken)
  writeFileSync(join(broken, 'good.onnx'), tinyOnnxModel({ imageSize: 32 }))
  writeFileSync(join(broken, 'notes.onnx'), 'these are my notes, not a model\n')
  folded = join(sources, 'folded')
  mkdirSync(folded)
  for (const width of [4, 8]) writeFileSync(join(folded, `w${width}.onnx`), tinyOnnxModel({ imageSize: 16, width, bn: 'folded' }))
  world = await startWorld([])
})

afterAll(async () => {
  await world?.close()
  rmSync(join(models, '..'), { recursive: true, force: true })
})

describe('a space of ONNX models in Chromium over the HTTP bridge', () => {
  test('Spaces: a folder with a file that is not ONNX shows what failed and why, and adds nothing', async () => {
    const { page } = world
    await open(page, 'spaces')
    await rowOf(page, 'nb201').waitFor()
    await page.locator('input[name="path"]').fill(broken)
    expect(await page.locator('input[name="name"]').inputValue()).toBe('broken')
    await page.getByRole('button', { name: 'Import', exact: true }).click()

    const alert = page.getByRole('alert')
    await alert.waitFor()
    const message = (await alert.textContent()) ?? ''
    // The main process's one line, as it is: the file and the reason.
    expect(message).toMatch(/notes\.onnx is not an ONNX model/)
    expect(message.split('\n')).toHaveLength(1)
    expect((await world.services.handlers['spaces:list']()).map((s) => s.id)).not.toContain('broken')
    expect(await rowOf(page, 'broken').count()).toBe(0)
    await shot(page, 'import-failed')
  })

  test('Spaces: eval-mode exports with folded BatchNorm are refused until allowed, then listed with their warning', async () => {
    const { page } = world
    await open(page, 'spaces')
    await page.locator('input[name="path"]').fill(folded)
    await page.getByRole('button', { name: 'Import', exact: true }).click()
    const alert = page.getByRole('alert')
    await until('the refusal', () => alert.textContent(), (t) => t?.includes('TrainingMode.TRAINING') === true)
    expect(await rowOf(page, 'folded').count()).toBe(0)

    await page.getByLabel('allow folded BatchNorm').check()
    await page.getByRole('button', { name: 'Import', exact: true }).click()
    const row = rowOf(page, 'folded')
    await row.waitFor()
    expect(await alert.count()).toBe(0)
    expect(await row.locator('[data-col="input"]').textContent()).toBe('3×16×16')
    const listed = (await world.services.handlers['spaces:list']()).find((s) => s.id === 'folded')
    expect(listed?.warnings.length).toBeGreaterThan(0)
    // The warnings, as the importer wrote them: in the row's badge and in the details.
    expect(await row.locator('.badge.warn').textContent()).toBe(listed?.warnings.length === 1 ? '1 warning' : `${listed?.warnings.length} warnings`)
    for (const warning of listed?.warnings ?? []) await page.locator('.details').getByText(warning, { exact: true }).waitFor()
    await shot(page, 'folded-bn')
  })

  test('Spaces: the folder is imported, listed with its count and input shape, its files shown with their hashes', async () => {
    const { page } = world
    await open(page, 'spaces')
    await page.locator('input[name="path"]').fill(models)
    // The name follows the folder's until one is typed.
    expect(await page.locator('input[name="name"]').inputValue()).toBe(SPACE)
    await page.getByRole('button', { name: 'Import', exact: true }).click()

    const row = rowOf(page, SPACE)
    await row.waitFor()
    expect(await row.locator('[data-col="size"]').textContent()).toBe(String(ARCHS))
    expect(await row.locator('[data-col="input"]').textContent()).toBe('3×32×32')
    expect(await row.textContent()).toContain(models)
    await page.getByText(`Imported ${SPACE}: ${ARCHS} architectures, input 3×32×32.`, { exact: false }).waitFor()
    expect(await page.getByRole('alert').count()).toBe(0)

    // The details opened by the import: every file with the first digits of its SHA-256.
    const shown = await world.services.handlers['spaces:show']({ name: SPACE })
    expect(shown.archs.map((a) => a.id).sort()).toEqual(Object.keys(MODELS).sort())
    const files = page.locator('[data-table="Space files"]')
    await until('the files', () => files.locator('.foot').textContent(), (t) => t === `${ARCHS} rows`)
    const cells = await files.locator('[role="row"]:not(.head) [role="cell"]').allTextContents()
    for (const arch of shown.archs) expect(cells).toContain(arch.sha256.slice(0, 12))
    await shot(page, 'imported')
  })

  test('Weights: a sweep on the imported space draws its heatmap and picks the automatic pair', async () => {
    const { page } = world
    await open(page, 'weights')
    // Waits for the option: the picker lists what spaces:list answers, the imported space included.
    await page.locator('select[name="space"]').selectOption(SPACE)
    await page.locator('input[name="exponents"]').fill('-3..1')
    await page.locator('input[name="batchSize"]').fill('8')
    await page.locator('input[name="sampleSize"]').fill(String(ARCHS))
    await page.getByRole('button', { name: 'Start sweep' }).click()

    // The sweep's end, from the service: a failed job says why here rather than as a timeout below.
    const sweeps = await until('the sweep to end', () => world.services.handlers['sweeps:list'](), (list) => list.length === 1 && !['queued', 'running'].includes(list[0].job.state), 60_000)
    expect(sweeps[0].job).toMatchObject({ state: 'done', error: null, done: 10 * ARCHS, config: { space: SPACE } })
    const chosen = page.getByTestId('chosen-pair')
    await chosen.waitFor()
    const selection = await world.services.handlers['weights:select']({ jobId: sweeps[0].job.id, strategy: DEFAULT_SELECTION_STRATEGY, bootstrap: 0 })
    expect(selection.chosen).not.toBeNull()
    expect(JSON.parse((await chosen.getAttribute('data-weights')) ?? 'null')).toEqual(selection.chosen?.weights)
    const heatmap = await chartReady(page, 'Sweep heatmap')
    expect(await heatmap.locator('canvas').count()).toBeGreaterThan(0)
    await page.getByRole('button', { name: 'Use this pair' }).click()
    await page.getByRole('button', { name: 'In use for new runs' }).waitFor()
    await shot(page, 'weights')
  })

  test('Runs: every architecture of the space is scored with the automatic pair', async () => {
    const { page } = world
    await open(page, 'runs')
    // Waits for the option: the picker lists what spaces:list answers, the imported space included.
    await page.locator('select[name="space"]').selectOption(SPACE)
    await page.locator('select[name="selection"]').selectOption('all')
    await page.locator('input[name="batchSize"]').fill('8')
    await page.locator('select[name="weightMode"]').selectOption('automatic')
    await page.getByRole('button', { name: 'Start run' }).click()

    const job = page.locator('tr[data-job]').first()
    expect(await job.textContent()).toContain(SPACE)
    const ended = await until('the job to end', () => stateOf(job), (s) => s !== null && s !== 'queued' && s !== 'running', 60_000)
    if (ended !== 'done') throw new Error(`the scoring job ended ${ended}: ${(await world.services.handlers['jobs:list']()).map((j) => j.error).join('; ')}`)
    const table = page.locator('[data-table="Scores"]')
    await until('the results', () => table.locator('.foot').textContent(), (t) => t === `${ARCHS} rows`)
    const archs = await table.locator('[role="row"]:not(.head) [role="cell"]:first-child').allTextContents()
    expect(archs.sort()).toEqual(Object.keys(MODELS).sort())
    await shot(page, 'runs')
  })

  test('Spaces: removing the space asks first, then takes it off the list and out of the pickers', async () => {
    const { page } = world
    await open(page, 'spaces')
    const row = rowOf(page, SPACE)
    await row.getByRole('button', { name: 'Remove…' }).click()
    await shot(page, 'remove-confirm')
    // Nothing happens before the confirmation.
    expect((await world.services.handlers['spaces:list']()).map((s) => s.id)).toContain(SPACE)
    await page.getByRole('button', { name: `Yes, remove ${SPACE}` }).click()
    await row.waitFor({ state: 'detached' })
    expect((await world.services.handlers['spaces:list']()).map((s) => s.id)).not.toContain(SPACE)
    // The built-ins have no Remove.
    expect(await rowOf(page, 'nb201').getByRole('button', { name: 'Remove…' }).count()).toBe(0)

    await open(page, 'runs')
    await page.locator('select[name="space"] option[value="nb201"]').waitFor({ state: 'attached' })
    expect(await page.locator(`select[name="space"] option[value="${SPACE}"]`).count()).toBe(0)
  })
})
