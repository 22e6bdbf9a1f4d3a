/**
 * The Compare page in Chromium colours the points by parameter count (issue 13 section 4) with a
 * legend naming the source: the fixture Suite-Zero file has no `params`, so the counts come from
 * the networks. Leaves compare-params.png in the artifacts folder.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CONVERTERS } from '../../src/main/benchmarks/convert/converters.ts'
import { engineKey } from '../../src/main/core/scoring/index.ts'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { inputCacheKey } from '../../src/main/data/index.ts'
import { createJob, runJob } from '../../src/main/jobs/job-runner.ts'
import { scoreKeyShape } from '../../src/main/services/score-parameters.ts'
import { resolveEngine } from '../../src/main/services/scoring.ts'
import { openBenchmarkStore } from '../../src/main/store/benchmarks.ts'
import type { CompareRequest } from '../../src/shared/api.ts'
import { testItem } from '../benchmarks/download/fixtures.ts'
import { chromiumPath } from './browser.ts'
import { ensureRendererBuilt } from './build-renderer.ts'
import { startWorld, type World } from './harness.ts'
import { chartReady, openPage, screenshot, until } from './steps.ts'

const CONFIG: CompareRequest = { space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 16, weights: [1e-7, 1], engine: 'collapsed', backend: 'auto' }
/** NB201's official count of this arch on CIFAR-10: 0.615386 M. */
const OFFICIAL = '|skip_connect~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|nor_conv_1x1~1|none~2|'
const ARCHS = [OFFICIAL, ...Array.from({ length: 59 }, (_, i) => nb201ArchAt(i * 263 + 17))]

let world: World

beforeAll(async () => {
  chromiumPath()
  await ensureRendererBuilt()
  world = await startWorld(ARCHS)
  // The fixture benchmark, converted as the Benchmarks page would.
  const file = join(world.dir, 'zc_nasbench201.json')
  writeFileSync(file, world.fixture)
  const benchmarks = openBenchmarkStore(world.store.path)
  try {
    await CONVERTERS['suite-zero'](benchmarks, file, testItem('zc-nasbench201', [{ name: 'zc_nasbench201.json', body: Buffer.alloc(1), urls: ['https://example.invalid/zc'] }]), undefined, {})
  } finally {
    benchmarks.close()
  }
  // A score run served from the cache (the scores are made up; every fifth arch NaN, for the strip).
  const { engine } = await resolveEngine('collapsed', 'auto')
  const key = { space: 'nb201', dataset: 'cifar10', ...scoreKeyShape('nb201', 'cifar10'), input: await inputCacheKey('grey', 'cifar10'), inputSeed: 0, batchSize: 16, weights: [1e-7, 1] as const, engine: engineKey(engine) }
  world.store.putMany(world.store.configId(key), ARCHS.map((arch, i) => ({ arch, epsilon: i % 5 === 4 ? null : (i * 37) % 61, nanReason: i % 5 === 4 ? 'outputs-constant' : null, ms: 1, canonical: null })))
  const job = createJob(world.store, { kind: 'score', space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 16, engine: 'collapsed', backend: 'auto', workers: 1, pairs: [[1e-7, 1]] }, ARCHS)
  await runJob(world.store, job)
})

afterAll(async () => {
  await world?.close()
})

describe('Compare coloured by parameter count', () => {
  test('the legend names where the counts come from', async () => {
    const { page } = world
    const expected = await world.services.handlers['compare:get'](CONFIG)
    expect(expected.paramsSource).toBe(`counted from each network (${ARCHS.length})`)
    expect(expected.points.find((p) => p.arch === OFFICIAL)?.params).toBe(0.615386)
    await openPage(page, world.bridge.url, 'compare')
    const caption = await until('the colour legend', () => page.getByTestId('params-source').textContent().catch(() => null), (t) => t !== null)
    expect(caption).toBe(`Colour: parameter count, log scale · ${expected.paramsSource}`)
    await chartReady(page, 'epsilon vs accuracy')
    await screenshot(page, world.artifacts, 'compare-params')
  })
})
