/**
 * Compare on an imported ONNX space shows the native proxies (issue 15): a folder of generated ONNX
 * models is imported through the API, scored through a real score job, and its native proxies are
 * computed by the proxies service into the same cache; the page then plots each proxy against
 * epsilon (the space has no accuracies) and names its source. Leaves compare-native-proxies.png in
 * the artifacts folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { getSpace } from '../../src/main/core/spaces/registry.ts'
import { tinyOnnxModel, type TinyOnnxOptions } from '../../src/main/onnx/write.ts'
import { runProxies } from '../../src/main/services/proxies.ts'
import type { CompareRequest } from '../../src/shared/api.ts'
import { chromiumPath } from './browser.ts'
import { ensureRendererBuilt } from './build-renderer.ts'
import { startWorld, type World } from './harness.ts'
import { chartReady, openPage, screenshot, until } from './steps.ts'

/** Five distinct architectures (width x depth), 3x16x16 input: one file each. */
const MODELS: Record<string, TinyOnnxOptions> = {
  'w4-d1': { width: 4, depth: 1 },
  'w8-d1': { width: 8, depth: 1 },
  'w4-d2': { width: 4, depth: 2 },
  'w8-d2': { width: 8, depth: 2 },
  'w6-d3': { width: 6, depth: 3 },
}
const ARCHS = Object.keys(MODELS).sort()
const SPACE = 'tiny-native'

let world: World
let sources: string
let config: CompareRequest

beforeAll(async () => {
  chromiumPath()
  await ensureRendererBuilt()
  sources = mkdtempSync(join(tmpdir(), 'epsinas-e2e-native-'))
  const models = join(sources, 'models')
  mkdirSync(models)
  for (const [id, options] of Object.entries(MODELS)) writeFileSync(join(models, `${id}.onnx`), tinyOnnxModel({ imageSize: 16, ...options }))
  world = await startWorld([])
  const { handlers } = world.services
  await handlers['spaces:import']({ name: SPACE, path: models })
  const dataset = getSpace(SPACE).datasets[0]
  config = { space: SPACE, dataset, input: 'grey', inputSeed: 0, batchSize: 4, weights: [1e-3, 1], engine: 'collapsed', backend: 'auto' }
  const { jobId } = await handlers['jobs:start-score']({ ...config, archs: { kind: 'all' }, workers: 1 })
  const job = await until('the score job to end', async () => (await handlers['jobs:list']()).find((j) => j.id === jobId), (j) => j !== undefined && !['queued', 'running'].includes(j.state), 60_000)
  if (job?.state !== 'done') throw new Error(`the score job ended ${job?.state}: ${job?.error}`)
  // The native proxies, computed by the service `epsinas proxies` runs, into the app's cache file.
  await runProxies({ space: SPACE, dataset, input: 'grey', inputSeed: 0, batchSize: 4, initSeed: 0, proxies: ['params', 'nwot'], backend: 'auto' }, ARCHS, world.store.path)
})

afterAll(async () => {
  await world?.close()
  if (sources) rmSync(sources, { recursive: true, force: true })
})

describe('Compare on an imported ONNX space', () => {
  test('plots each native proxy against epsilon and names its source and key', async () => {
    const { page } = world
    const expected = await world.services.handlers['compare:get'](config)
    expect(expected.accuracySource).toBeNull()
    expect(expected.proxies.map((p) => [p.name, p.source])).toEqual([
      ['native:nwot', 'native'],
      ['native:params', 'native'],
    ])
    // Every model has a parameter count; nwot is finite at batch 4 on these networks.
    expect(expected.proxies.every((p) => p.scores.every((s) => s !== null))).toBe(true)
    const plotted = expected.points.filter((p) => p.epsilon !== null).length

    await openPage(page, world.bridge.url, 'compare')
    await page.getByRole('heading', { name: 'Other proxies vs epsilon' }).waitFor()
    for (const proxy of expected.proxies) {
      const caption = await until(`the ${proxy.name} caption`, () => page.locator(`[data-proxy-source="${proxy.name}"]`).textContent().catch(() => null), (t) => t !== null)
      expect(caption).toBe(`${plotted} plotted · native, ${proxy.description}`)
      expect(await page.locator(`[data-proxy-plot="${proxy.name}"]`).getAttribute('data-count')).toBe(String(plotted))
      await chartReady(page, `${proxy.name} vs epsilon`)
    }
    expect(plotted).toBeGreaterThan(1)
    // The architectures table gains a column per proxy, under the same names.
    const table = page.locator('[data-table="Compared architectures"]')
    const headers = await table.locator('[role="columnheader"]').allTextContents()
    expect(headers.map((h) => h.trim())).toEqual(['Architecture', 'epsilon', 'accuracy', 'params (M)', 'native:nwot', 'native:params'])
    await screenshot(page, world.artifacts, 'compare-native-proxies')
  })
})
