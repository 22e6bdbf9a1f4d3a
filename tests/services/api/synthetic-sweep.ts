import { engineKey } from '../../../src/main/core/scoring/index.ts'
import { inputCacheKey } from '../../../src/main/data/index.ts'
import { createJob, runJob } from '../../../src/main/jobs/job-runner.ts'
import { scoreKeyShape } from '../../../src/main/services/score-parameters.ts'
import { resolveEngine } from '../../../src/main/services/scoring.ts'
import { sweepSpec } from '../../../src/main/services/sweeps.ts'
import type { ScoreStore } from '../../../src/main/store/index.ts'

/** The sweep the synthetic scores belong to: NB201 CIFAR-10, grey, batch 4. */
export const SYNTHETIC_BASE = { space: 'nb201', dataset: 'cifar10', input: 'grey', inputSeed: 0, batchSize: 4, engine: 'collapsed', backend: 'auto', workers: 1 } as const

/**
 * Puts synthetic scores (keyed "low,high" by exponents; null = NaN) into the cache under the keys
 * the job runner looks up, so sweeps over `archs` run from the cache alone; returns the sweep's spec.
 */
export async function cacheSyntheticSweep(store: ScoreStore, exponents: readonly number[], archs: readonly string[], scores: Record<string, ReadonlyArray<number | null>>) {
  const spec = sweepSpec(SYNTHETIC_BASE, exponents)
  const { engine } = await resolveEngine('collapsed', 'auto')
  const shape = { space: 'nb201', dataset: 'cifar10', ...scoreKeyShape('nb201', 'cifar10'), input: await inputCacheKey('grey', 'cifar10'), inputSeed: 0, batchSize: 4, engine: engineKey(engine) } as const
  spec.pairs.forEach((weights, p) => {
    const epsilon = scores[(spec.exponents as Array<[number, number]>)[p].join(',')]
    store.putMany(store.configId({ ...shape, weights }), archs.map((arch, i) => ({ arch, epsilon: epsilon[i], nanReason: epsilon[i] === null ? 'outputs-constant' : null, ms: 1, canonical: null })))
  })
  return spec
}

/** Creates the sweep job and runs it from the cache; throws when anything had to be scored. */
export async function runCachedSweep(store: ScoreStore, spec: Awaited<ReturnType<typeof cacheSyntheticSweep>>, archs: readonly string[], accuracies?: string): Promise<string> {
  const id = createJob(store, accuracies ? { ...spec, accuracies } : spec, [...archs])
  const { summary } = await runJob(store, id)
  if (!summary.pairs.every((p) => p.rows.every((r) => r.source === 'cached'))) throw new Error(`sweep ${id} scored archs the test did not cache`)
  return id
}
