import { defineSpace } from '../search-space.ts'
import { DATASETS } from '../../../../shared/types.ts'
import { NB101_SIZE, formatNb101Spec, parseNb101Spec } from './spec.ts'
import { nb101Hash } from './hash.ts'
import { NB101_REFERENCE_OUTPUTS, buildNb101Network } from './network.ts'
import { sampleNb101Specs } from './sample.ts'
import { countParameters } from '../../ir/parameters.ts'
import { nb101Mutate, nb101MutationTokens } from './mutation.ts'

/** Classes of the benchmark's trained classifier (its trainable_parameters count them; the scored network has 1 output). */
const NB101_BENCHMARK_CLASSES = 10

/** NAS-Bench-101: cell specs of up to 7 vertices and 9 edges, trained on CIFAR-10 only. */
export const nb101Space = defineSpace({
  id: 'nb101',
  title: 'NAS-Bench-101',
  datasets: ['cifar10'],
  // Paper Table 8.
  defaultWeights: [1e-4, 10],
  size: NB101_SIZE,
  writtenForm: '{"matrix": [[...]], "ops": [...]}',
  parse: (text) => parseNb101Spec(text),
  format: formatNb101Spec,
  sample: sampleNb101Specs,
  // 423,624 graphs: "all" comes from the installed benchmark (benchmarks/space-data/nb101.ts), not an enumeration.
  // No canonical key: isomorphic specs share a module hash but not their scores (vertex order
  // decides which vertices get the extra channel), so every spec is scored as given.
  benchmarkKey: (spec) => nb101Hash(spec),
  buildNetwork(spec, { dataset, batchSize }) {
    // NB101 has no pruned form beyond the spec pruning every spec goes through.
    return buildNb101Network(spec, { batchSize, imageSize: DATASETS[dataset].imageSize, classes: NB101_REFERENCE_OUTPUTS })
  },
  parameterCount: (spec, dataset) =>
    countParameters(buildNb101Network(spec, { batchSize: 1, imageSize: DATASETS[dataset].imageSize, classes: NB101_BENCHMARK_CLASSES })),
  mutationTokens: nb101MutationTokens,
  mutate: nb101Mutate,
})
