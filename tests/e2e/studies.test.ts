/**
 * The Studies page in Chromium (issue 16): a search study on the fixture Suite-Zero benchmark, with
 * an epsilon warm-up read from a score run's cache and a synflow warm-up, shows its curves and the
 * final table the service computes. Leaves studies.png in the artifacts folder.
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
import type { ScoreConfigRequest, SearchStudyRequest } from '../../src/shared/api.ts'
import { testItem } from '../benchmarks/download/fixtures.ts'
import { chromiumPath } from './browser.ts'
import { ensureRendererBuilt } from './build-renderer.ts'
import { startWorld, type World } from './harness.ts'
import { chartReady, openPage, screenshot, until } from './steps.ts'

const CONFIG: ScoreConfigRequest = { space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 16, weights: [1e-7, 1], engine: 'collapsed', backend: 'auto' }
const ARCHS = Array.from({ length: 40 }, (_, i) => nb201ArchAt(i * 389 + 11))

let world: World

beforeAll(async () => {
  chromiumPath()
  await ensureRendererBuilt()
  world = await startWorld(ARCHS)
  const file = join(world.dir, 'zc_nasbench201.json')
  writeFileSync(file, world.fixture)
  const benchmarks = openBenchmarkStore(world.store.path)
  try {
    await CONVERTERS['suite-zero'](benchmarks, file, testItem('zc-nasbench201', [{ name: 'zc_nasbench201.json', body: Buffer.alloc(1), urls: ['https://example.invalid/zc'] }]), undefined, {})
  } finally {
    benchmarks.close()
  }
  // A score run served from the cache (made-up scores, every fifth NaN): the page's source of epsilon.
  const { engine } = await resolveEngine('collapsed', 'auto')
  const key = { space: 'nb201', dataset: 'cifar10', ...scoreKeyShape('nb201', 'cifar10'), input: await inputCacheKey('grey', 'cifar10'), inputSeed: 0, batchSize: 16, weights: [1e-7, 1] as const, engine: engineKey(engine) }
  world.store.putMany(world.store.configId(key), ARCHS.map((arch, i) => ({ arch, epsilon: i % 5 === 4 ? null : (i * 37) % 61, nanReason: i % 5 === 4 ? 'outputs-constant' : null, ms: 1, canonical: null })))
  const job = createJob(world.store, { kind: 'score', space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 16, engine: 'collapsed', backend: 'auto', workers: 1, pairs: [[1e-7, 1]] }, ARCHS)
  await runJob(world.store, job)
})

afterAll(async () => {
  await world?.close()
})

describe('Studies: a search study on the fixture benchmark', () => {
  test('runs random search and evolution with epsilon and synflow warm-ups and shows their curves and final accuracies', async () => {
    const { page } = world
    await openPage(page, world.bridge.url, 'studies')
    await page.locator('input[name="warmups"]').fill('none,epsilon,synflow')
    await page.locator('input[name="repeats"]').fill('20')
    // A pool larger than the space: every repeat's warm-up sees every arch.
    await page.locator('input[name="pool"]').fill('5000')
    // The score run is offered as the source of epsilon once the jobs are listed.
    await until('the score run', () => page.locator('select[name="epsilonRun"] option').first().textContent(), (t) => t !== null && t.startsWith('nb201/cifar10'))
    await page.getByRole('button', { name: 'Run study' }).click()
    await chartReady(page, 'search curves')
    const request: SearchStudyRequest = { space: 'nb201', dataset: 'cifar10', algorithms: ['random', 'evolution'], warmups: ['none', 'epsilon', 'synflow'], moves: ['none'], budget: 300, repeats: 20, seed: 0, pool: 5000, warmupSteps: 64, epsilon: CONFIG }
    const expected = await world.services.handlers['studies:search'](request)
    expect(expected.variants.map((v) => v.name)).toEqual(['random', 'random + warm-up epsilon', 'random + warm-up synflow', 'evolution', 'evolution + warm-up epsilon', 'evolution + warm-up synflow'])
    expect(expected.notes).toContain(`epsilon: ${expected.archs - ARCHS.length} of ${expected.archs} archs not scored in this run, ranked last (score them on the Runs page)`)
    const rows = await Promise.all((await page.locator('table[aria-label="Final accuracy"] tbody tr').all()).map((row) => row.locator('td').allTextContents()))
    expect(rows).toEqual(expected.variants.map((v) => [v.name, v.final.median.toFixed(2), v.final.q25.toFixed(2), v.final.q75.toFixed(2)]))
    // The epsilon warm-up's first trained model is the run's best-scored arch in every repeat.
    const warm = expected.variants[1]
    expect(warm.curve.median).toHaveLength(300)
    expect([warm.curve.q25[0], warm.curve.q75[0]]).toEqual([warm.curve.median[0], warm.curve.median[0]])
    expect(expected.notes).toContain(`pool 5000 capped at the ${expected.archs} archs with installed accuracies`)
    await screenshot(page, world.artifacts, 'studies')
  })
})
