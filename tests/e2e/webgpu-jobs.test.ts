/**
 * A GPU job started from the Runs page: the bridge serves real API services whose GPU pool is a
 * real headless Chromium page running the real worker bundle on WebGPU (SwiftShader). The job runs
 * through the job/progress machinery; its stored score (backend tfjs-webgpu in the key) agrees
 * with the same configuration on tfjs-wasm within docs/gpu.md's tolerance (epsilon 1e-4 relative
 * + 1e-6 absolute, tests/gpu/agreement.ts: float32 sums in another order on the GPU). One NB201 arch at batch 4 on ImageNet16-120 (16x16):
 * SwiftShader compiles every shader on the first arch.
 * Leaves webgpu-runs.png (the Runs page with the GPU backend chosen and the finished job).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import type { GpuWorkerPool } from '../../src/main/gpu/worker-client.ts'
import { agrees, relativeDifference } from '../gpu/agreement.ts'
import { openChromiumGpuPool } from '../gpu/webgpu-pool.ts'
import { chromiumPath } from './browser.ts'
import { ensureRendererBuilt } from './build-renderer.ts'
import { startWorld, type World } from './harness.ts'
import { openPage, screenshot, stateOf, until } from './steps.ts'

let world: World
let pool: GpuWorkerPool

// Batch 4, not 2: with two images min-max normalisation leaves only 0 and 1 and epsilon is 0 for
// every arch, which would make the agreement check vacuous (0 = 0).
const CONFIG = { space: 'nb201', dataset: 'ImageNet16-120', input: 'normal', inputSeed: 0, batchSize: 4 } as const


beforeAll(async () => {
  chromiumPath()
  await ensureRendererBuilt()
  pool = await openChromiumGpuPool()
  world = await startWorld([nb201ArchAt(0)], { gpuPool: pool })
}, 120_000)
afterAll(async () => {
  await world?.close()
  await pool?.close()
})

describe('a GPU job from the Runs page', () => {
  test('starts on the GPU workers and stores the score tfjs-wasm gives, within tolerance', { timeout: 170_000 }, async () => {
    const { page } = world
    await openPage(page, world.bridge.url, 'runs')
    await page.locator('select[name="dataset"]').selectOption(CONFIG.dataset)
    await page.locator('select[name="input"]').selectOption(CONFIG.input)
    await page.locator('input[name="batchSize"]').fill(String(CONFIG.batchSize))
    await page.locator('input[name="sampleSize"]').fill('1')
    await page.locator('input[name="sampleSeed"]').fill('0')
    await page.locator('select[name="engine"]').selectOption('full')
    // Offered only because this process has GPU workers (app:info gpuWorkers).
    await page.locator('select[name="backend"] option[value="tfjs-webgpu"]').waitFor({ state: 'attached' })
    await page.locator('select[name="backend"]').selectOption('tfjs-webgpu')
    await page.getByRole('button', { name: 'Start run' }).click()
    const row = page.locator('tr[data-job]').first()
    await until('the GPU job to finish', () => stateOf(row), (s) => s === 'done' || s === 'failed', 150_000)
    const id = (await row.getAttribute('data-job')) as string
    const details = await world.services.handlers['jobs:get']({ id })
    expect(details.job).toMatchObject({ state: 'done', done: 1, total: 1, failed: 0, config: { engine: 'full', backend: 'tfjs-webgpu' } })
    const weights = details.job.config.pairs[0]
    const gpu = await world.services.handlers['scores:list']({ ...CONFIG, weights, engine: 'full', backend: 'tfjs-webgpu' })
    expect(gpu).toHaveLength(1)
    // The page lists the stored score of the selected GPU job (read back through scores:list).
    await page.getByText(gpu[0].arch).first().waitFor()
    await screenshot(page, world.artifacts, 'webgpu-runs')
    // The same arch and configuration as a CPU job on tfjs-wasm, through the same API.
    const { jobId } = await world.services.handlers['jobs:start-score']({ ...CONFIG, weights, engine: 'full', backend: 'tfjs-wasm', archs: { kind: 'list', archs: [gpu[0].arch] } })
    await world.services.jobs.idle()
    expect((await world.services.handlers['jobs:get']({ id: jobId })).job.state).toBe('done')
    const wasm = await world.services.handlers['scores:list']({ ...CONFIG, weights, engine: 'full', backend: 'tfjs-wasm' })
    expect(wasm.map((s) => s.arch)).toEqual([gpu[0].arch])
    expect(gpu[0].nanReason).toBe(wasm[0].nanReason)
    // A real value, not NaN and not the 0 that too small a batch gives every arch.
    expect(wasm[0].epsilon).toBeGreaterThan(0)
    console.log(JSON.stringify({ arch: gpu[0].arch, webgpu: gpu[0].epsilon, wasm: wasm[0].epsilon, relative: relativeDifference(gpu[0].epsilon, wasm[0].epsilon) }))
    expect(agrees('epsilon', gpu[0].epsilon, wasm[0].epsilon)).toBe(true)
  })
})
