import { SeededRandom } from '../../random.ts'
import { defineSpace } from '../search-space.ts'
import { DATASETS } from '../../../../shared/types.ts'
import { NB201_SIZE, enumerateNb201, formatNb201Arch, parseNb201Arch } from './arch.ts'
import { nb201CanonicalKey } from './canonical.ts'
import { buildNb201Network } from './network.ts'

/** NAS-Bench-201: 15,625 cells of 4 nodes and 6 edges, on CIFAR-10/100 and ImageNet16-120. */
export const nb201Space = defineSpace({
  id: 'nb201',
  title: 'NAS-Bench-201',
  datasets: ['cifar10', 'cifar100', 'ImageNet16-120'],
  // Paper Table 8.
  defaultWeights: [1e-7, 1],
  size: NB201_SIZE,
  writtenForm: 'arch string',
  parse: parseNb201Arch,
  format: formatNb201Arch,
  sample(count, seed) {
    // Our enumeration, not the installed index order: a seed names the same sample on every machine.
    const all = enumerateNb201()
    return new SeededRandom(seed).sampleWithoutReplacement(all.length, count).map((i) => all[i])
  },
  enumerate: enumerateNb201,
  canonicalKey: (cell) => nb201CanonicalKey(formatNb201Arch(cell)),
  buildNetwork(cell, { dataset, batchSize, form }) {
    const { classes, imageSize } = DATASETS[dataset]
    return buildNb201Network(cell, { batchSize, imageSize, classes, form })
  },
  // The six edges' "op~from" in arch-string order: the reference mutation changes one edge's op.
  mutationTokens: (cell) => formatNb201Arch(cell).split(/[|+]/).filter((token) => token !== ''),
})
