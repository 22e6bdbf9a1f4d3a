/**
 * The GPU worker (src/main/gpu/) in Debian's headless Chromium on WebGPU (SwiftShader: a CPU
 * emulation of a GPU, so correctness here, not speed) agrees with the same code on tfjs-wasm in
 * Node: full-width epsilon and two native proxies per NB201 arch.
 *
 * Tolerances, and why: both run float32, but the GPU sums convolutions, BatchNorm statistics and
 * reductions in another order, so values differ in their last bits and the differences grow
 * through ~20 layers. Epsilon (from outputs min-max normalised to [0, 1]): 1e-4 relative + 1e-6
 * absolute, since a tiny epsilon (7e-5) differs by more than 1e-4 relative at 6e-8 absolute.
 * nwot: log|det K| of integer Hamming counts, exact unless a pre-ReLU value within rounding of 0
 * falls on the other side of 0 on the other backend; one such unit moves a few entries of K by 1
 * (of thousands) and log|det K| by ~1e-6 relative (measured 9.8e-7): 1e-5 relative. jacov (eigenvalues of the Jacobian rows' correlation): 1e-3
 * relative (tests/gpu/agreement.ts). The largest differences measured are in docs/gpu.md.
 *
 * SwiftShader runs about 0.2 s per convolution and 0.35 s per synchronous read on this machine,
 * so the suite checks EPSINAS_WEBGPU_ARCHS archs (default 2: the first also compiles every
 * shader); docs/gpu.md has the run on 10 (EPSINAS_WEBGPU_ARCHS=10).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nb201ArchAt } from '../../src/main/core/spaces/nb201/index.ts'
import { prepareGpuJob } from '../../src/main/gpu/job.ts'
import { runGpuJob } from '../../src/main/gpu/evaluate.ts'
import type { GpuArchResult, GpuJob, GpuWorkerMessage } from '../../src/main/gpu/protocol.ts'
import { loadProxyRuntime } from '../../src/main/proxies/runtime.ts'
import { openGpuWorkerPage, type GpuWorkerPage } from '../gpu/webgpu-page.ts'
import { agrees, relativeDifference } from '../gpu/agreement.ts'

const COUNT = Number(process.env.EPSINAS_WEBGPU_ARCHS ?? 2)
/** Spread over the 15,625 archs in benchmark order. */
const ARCHS = Array.from({ length: COUNT }, (_, i) => nb201ArchAt((i * 1_597 + 15_624) % 15_625))

describe('GPU worker on WebGPU in headless Chromium', () => {
  let page: GpuWorkerPage
  let job: GpuJob
  beforeAll(async () => {
    // Batch 4: at batch 2 min-max normalisation leaves only 0 and 1 and epsilon is 0 for every arch (a vacuous check).
    job = await prepareGpuJob({ space: 'nb201', dataset: 'ImageNet16-120', input: 'normal', inputSeed: 0, batchSize: 4, initSeed: 0, proxies: ['nwot', 'jacov'] }, ARCHS)
    page = await openGpuWorkerPage()
  })
  afterAll(async () => {
    await page?.close()
  })

  test(`epsilon, nwot and jacov agree with tfjs-wasm on ${COUNT} NB201 archs`, { timeout: 120_000 + COUNT * 180_000 }, async () => {
    const started = performance.now()
    await page.run(job)
    const messages = await page.messages((list) => list.some((m) => m.type === 'done' || m.type === 'error'), 60_000 + COUNT * 180_000)
    const gpuSeconds = (performance.now() - started) / 1000
    expect(messages[0]).toEqual({ type: 'ready', backend: 'tfjs-webgpu', reason: expect.stringMatching(/^tfjs-webgpu on /) })
    expect(messages.at(-1)).toEqual({ type: 'done', cancelled: false })
    const gpu = messages.flatMap((m: GpuWorkerMessage) => (m.type === 'result' ? [m.result] : []))
    expect(gpu.map((r) => r.arch)).toEqual(ARCHS)

    const wasm: GpuArchResult[] = []
    const wasmStarted = performance.now()
    await runGpuJob(await loadProxyRuntime('tfjs-wasm'), job, { isCancelled: () => false, onResult: (result) => wasm.push(result) })
    const wasmSeconds = (performance.now() - wasmStarted) / 1000

    // Every difference first (docs/gpu.md records the largest), then the tolerances.
    const worst: Record<string, number> = { epsilon: 0, nwot: 0, jacov: 0 }
    let worstEpsilonAbsolute = 0
    const beyond: string[] = []
    for (const [i, ours] of gpu.entries()) {
      const reference = wasm[i]
      expect(ours.nanReason).toBe(reference.nanReason)
      const pairs: [string, number | null, number | null][] = [['epsilon', ours.epsilon, reference.epsilon], ...['nwot', 'jacov'].map((id): [string, number | null, number | null] => [id, ours.proxies[id], reference.proxies[id]])]
      for (const [name, a, b] of pairs) {
        worst[name] = Math.max(worst[name], relativeDifference(a, b))
        if (name === 'epsilon' && a !== null && b !== null) worstEpsilonAbsolute = Math.max(worstEpsilonAbsolute, Math.abs(a - b))
        if (!agrees(name, a, b)) beyond.push(`${name} of ${ours.arch}: webgpu ${a}, wasm ${b}`)
      }
    }
    // The numbers docs/gpu.md records (CPU-emulated WebGPU: not a GPU speed).
    console.log(JSON.stringify({ archs: COUNT, worstRelative: worst, worstEpsilonAbsolute, epsilons: gpu.map((r) => r.epsilon), webgpuSeconds: gpuSeconds, wasmSeconds, perArchMs: gpu.map((r) => Math.round(r.ms)) }))
    expect(beyond).toEqual([])
    // Not a comparison of nulls.
    expect(gpu.filter((r) => r.epsilon !== null && r.epsilon > 0 && r.proxies.nwot !== null && r.proxies.jacov !== null).length).toBeGreaterThan(0)
  })
})
