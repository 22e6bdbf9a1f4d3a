import { SeededRandom } from '../../random.ts'
import { defineSpace } from '../search-space.ts'
import { DATASETS } from '../../../../shared/types.ts'
import { NATSSSS_SIZE, enumerateNatsSss, formatNatsSssArch, natsSssArchAt, parseNatsSssArch } from './arch.ts'
import { buildNatsSssNetwork } from './network.ts'

/** NATS-Bench size space: the best NB201 cell with 8 channel counts in each of 5 places, on the NB201 datasets. */
export const natsSssSpace = defineSpace({
  id: 'natssss',
  title: 'NATS-Bench size',
  datasets: ['cifar10', 'cifar100', 'ImageNet16-120'],
  // No paper value (the paper never studied this space), so chosen on grey cifar10 batches of 256
  // without accuracies. NB201's [1e-7, 1] leaves 89 of 100 seeded archs NaN here. The paper's own
  // selection (metric.md section 6) stops at [1e-6, 1] (0% NaN), but at w = 1e-6 76 of 100 archs
  // have subnormal logits (max |logit| ~1e-42, a few significant bits), so their scores depend on
  // how an engine rounds subnormals: ours and PyTorch's differ by up to 1e-2 there. At w = 1e-5 none is subnormal and none is
  // NaN, so the default is the widest pair above that floor with NB201's upper weight: [1e-5, 1].
  defaultWeights: [1e-5, 1],
  size: NATSSSS_SIZE,
  writtenForm: 'arch string',
  parse: parseNatsSssArch,
  format: formatNatsSssArch,
  // Enumeration order is the benchmark's index order, so a seed names the same sample on every machine.
  sample: (count, seed) => new SeededRandom(seed).sampleWithoutReplacement(NATSSSS_SIZE, count).map(natsSssArchAt),
  enumerate: enumerateNatsSss,
  // No canonical key: the cell is fixed and has no `none` edge, so no two archs share a network
  // (their channel counts differ) and the pruned network is the literal one.
  buildNetwork(arch, { dataset, batchSize }) {
    const { classes, imageSize } = DATASETS[dataset]
    return buildNatsSssNetwork(arch, { batchSize, imageSize, classes })
  },
  // The five channel counts: a mutation changes one of them (NATS-Bench's REA on the size space).
  mutationTokens: (arch) => arch.map(String),
})
