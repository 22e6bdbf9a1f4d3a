import { loadMinibatch } from '../jobs/score-task.ts'
import { checkSpaceDataset } from '../core/scoring/network.ts'
import { getSpace } from '../core/spaces/registry.ts'
import { getProxy } from '../proxies/registry.ts'
import { seededLabels } from '../proxies/labels.ts'
import { checkInputInstalled } from '../data/index.ts'
import { DATASETS, type DatasetId, type InputSource, type SpaceId, type WeightPair } from '../../shared/types.ts'
import { EpsinasError } from '../../shared/errors.ts'
import type { GpuJob } from './protocol.ts'
import { nativeProxiesRunOn } from '../services/proxies.ts'

/** What a GPU job computes, before its minibatch is loaded. */
export interface GpuJobSpec {
  space: SpaceId
  dataset: DatasetId
  input: InputSource
  inputSeed: number
  batchSize: number
  /** Epsilon's weight pair; the space's default when absent. */
  weights?: WeightPair
  initSeed: number
  proxies: readonly string[]
}

/**
 * The job a GPU worker runs, prepared where files can be read (the main process, or a test in
 * Node): the same minibatch `score` and `epsinas proxies` load for this spec, and the proxies'
 * seeded labels. BAD_* errors for an unknown space, dataset, proxy or a missing installed input.
 */
export async function prepareGpuJob(spec: GpuJobSpec, archs: readonly string[]): Promise<GpuJob> {
  checkSpaceDataset(spec.space, spec.dataset)
  if (!nativeProxiesRunOn(spec.dataset)) throw new EpsinasError('BAD_ARGUMENT', 'the GPU workers score image networks; NB-NLP (ptb) runs on the CPU engines')
  for (const id of spec.proxies) getProxy(id)
  await checkInputInstalled(spec.input, spec.dataset)
  const minibatch = await loadMinibatch(spec)
  const [n, c, h, w] = minibatch.shape
  const classes = DATASETS[spec.dataset].classes
  return {
    space: spec.space,
    dataset: spec.dataset,
    archs: [...archs],
    weights: spec.weights ?? getSpace(spec.space).defaultWeights,
    batch: { shape: [n, c, h, w], data: minibatch.data, labels: seededLabels(n, classes, spec.inputSeed), classes },
    initSeed: spec.initSeed,
    proxies: [...spec.proxies],
  }
}
