import { buildNetwork } from '../core/scoring/network.ts'
import { scorePrepared } from '../core/scoring/score.ts'
import { runGraphTfjs } from '../core/backends/tfjs/execute.ts'
import type { TfjsRuntime } from '../core/backends/tfjs/runtime.ts'
import { withDatasetClassifier } from '../proxies/classifier.ts'
import { initialiseParameters } from '../proxies/parameters.ts'
import { getProxy } from '../proxies/registry.ts'
import type { ProxyBatch } from '../proxies/proxy.ts'
import { DATASETS } from '../../shared/types.ts'
import type { GpuArchResult, GpuJob } from './protocol.ts'

/**
 * One arch of a GPU job on any loaded TensorFlow.js: full-width epsilon (the literal network, one
 * forward pass per weight, as `score --engine full` does) and each proxy on its own randomly
 * initialised copy, as `epsinas proxies` does. Pure: no I/O, so the same code runs in a browser
 * worker on WebGPU and in Node on tfjs-wasm (the test compares the two).
 */
export function evaluateGpuArch(runtime: TfjsRuntime, job: GpuJob, arch: string): GpuArchResult {
  const started = performance.now()
  const spec = { space: job.space, dataset: job.dataset, batchSize: job.batch.shape[0] }
  const graph = buildNetwork(arch, spec, 'literal')
  const epsilon = scorePrepared({ graph, input: job.batch.data, fullOutput: (output) => output }, job.weights, (g, input, weight) => runGraphTfjs(runtime, g, input, weight))
  const proxies: Record<string, number | null> = {}
  if (job.proxies.length > 0) {
    const proxyGraph = withDatasetClassifier(graph, DATASETS[job.dataset].classes)
    const network = { graph: proxyGraph, parameters: initialiseParameters(proxyGraph, job.initSeed) }
    const batch: ProxyBatch = { shape: job.batch.shape, data: job.batch.data, labels: job.batch.labels, classes: job.batch.classes }
    for (const id of job.proxies) proxies[id] = getProxy(id).compute(network, batch, { runtime })
  }
  return {
    arch,
    epsilon: epsilon.nanReason === null ? epsilon.value : null,
    nanReason: epsilon.nanReason,
    proxies,
    ms: performance.now() - started,
  }
}

/** Whether to stop before the next arch, and where each result goes. */
export interface GpuJobHooks {
  isCancelled(): boolean
  onResult(result: GpuArchResult, done: number): void
}

/**
 * Every arch of a job in order, yielding to the event loop between archs so that a `cancel`
 * message is seen before the next one starts (an arch itself runs to its end: tfjs cannot stop a
 * graph midway). Returns whether it stopped early.
 */
export async function runGpuJob(runtime: TfjsRuntime, job: GpuJob, hooks: GpuJobHooks): Promise<{ cancelled: boolean }> {
  for (const [index, arch] of job.archs.entries()) {
    await new Promise((resolve) => setTimeout(resolve, 0))
    if (hooks.isCancelled()) return { cancelled: true }
    hooks.onResult(evaluateGpuArch(runtime, job, arch), index + 1)
  }
  return { cancelled: false }
}
