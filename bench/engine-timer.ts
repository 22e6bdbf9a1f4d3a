/**
 * Shared by the image-space throughput benches: one thread, the grey minibatch of the space's first dataset, both
 * engines on literal networks (so the ratio measures the engines, not the canonical-form dedup).
 */
import { runGraphTs } from '../src/main/core/backends/ts/interpreter.ts'
import { BufferPool } from '../src/main/core/backends/ts/pool.ts'
import { loadTfjs, runGraphTfjs, type TfjsBackendId } from '../src/main/core/backends/tfjs/index.ts'
import { buildNetwork, prepareNetwork, scorePrepared, type ForwardRunner } from '../src/main/core/scoring/index.ts'
import { loadMinibatch } from '../src/main/jobs/score-task.ts'
import { getSpace } from '../src/main/core/spaces/registry.ts'
import type { EngineId, SpaceId } from '../src/shared/types.ts'

/** Times one architecture's score on one engine. */
export type TimeScore = (arch: string, engine: EngineId) => { ms: number; epsilon: number }

export async function engineTimer(
  space: SpaceId,
  batchSize: number,
  weights: readonly [number, number],
  backend: string,
): Promise<{ timeScore: TimeScore; backend: string }> {
  const dataset = getSpace(space).datasets[0]
  const network = { space, dataset, batchSize }
  const minibatch = await loadMinibatch({ space, dataset, input: 'grey', inputSeed: 0, batchSize })
  const runtime = await loadTfjs(backend as TfjsBackendId)
  const pool = new BufferPool()
  const runners: Record<EngineId, ForwardRunner> = {
    collapsed: (g, x, w) => runGraphTs(g, x, w, pool),
    full: (g, x, w) => runGraphTfjs(runtime, g, x, w),
  }
  const timeScore: TimeScore = (arch, engine) => {
    const started = performance.now()
    const prepared = prepareNetwork(buildNetwork(arch, network, 'literal'), minibatch, engine)
    const score = scorePrepared(prepared, weights, runners[engine])
    return { ms: performance.now() - started, epsilon: score.value }
  }
  return { timeScore, backend: runtime.backend }
}
