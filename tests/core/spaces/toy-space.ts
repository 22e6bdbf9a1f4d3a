/**
 * A toy search space for the registry tests, defined here and nowhere in src/: a chain of one to
 * three ReLU-conv-BN blocks, each with a 1x1 or 3x3 kernel, written "3-1-3". It goes through the
 * same defineSpace / registerSpace as the built-ins, which is what the tests prove is enough.
 */
import { GraphBuilder } from '../../../src/main/core/ir/builder.ts'
import { SeededRandom } from '../../../src/main/core/random.ts'
import { defineSpace } from '../../../src/main/core/spaces/registry.ts'
import { DATASETS } from '../../../src/shared/types.ts'
import { EpsinasError } from '../../../src/shared/errors.ts'

type Kernel = 1 | 3

/** Every chain, shortest first: 2 + 4 + 8 = 14 archs. */
function enumerateChains(): string[] {
  const all: string[] = []
  for (let length = 1; length <= 3; length++) {
    for (let bits = 0; bits < 2 ** length; bits++) all.push(Array.from({ length }, (_, i) => ((bits >> (length - 1 - i)) & 1 ? 3 : 1)).join('-'))
  }
  return all
}

export const TOY_SPACE_ID = 'toy-chain'

export const toySpace = defineSpace<Kernel[]>({
  id: TOY_SPACE_ID,
  title: 'Toy conv chain',
  datasets: ['cifar10', 'cifar100'],
  defaultWeights: [1e-3, 1],
  size: 14,
  writtenForm: 'chain of kernel sizes (3-1-3)',
  parse(text) {
    const parts = text.trim().split('-')
    if (parts.length < 1 || parts.length > 3) throw new EpsinasError('BAD_ARCH', `malformed toy chain ${JSON.stringify(text)}: whole string: expected 1 to 3 blocks, found ${parts.length}`)
    return parts.map((part, i) => {
      if (part !== '1' && part !== '3') throw new EpsinasError('BAD_ARCH', `malformed toy chain ${JSON.stringify(text)}: block ${i + 1}: kernel must be 1 or 3, found ${JSON.stringify(part)}`)
      return Number(part) as Kernel
    })
  },
  format: (kernels) => kernels.join('-'),
  sample(count, seed) {
    const all = enumerateChains()
    return new SeededRandom(seed).sampleWithoutReplacement(all.length, count).map((i) => all[i])
  },
  enumerate: enumerateChains,
  buildNetwork(kernels, { dataset, batchSize }) {
    const { classes, imageSize } = DATASETS[dataset]
    const b = new GraphBuilder()
    let x = b.input([batchSize, 3, imageSize, imageSize])
    kernels.forEach((kernel, i) => {
      const relu = b.add({ kind: 'relu' }, [x], `block${i}.relu`)
      const conv = b.add({ kind: 'conv2d', outChannels: 8, kernel, stride: 1, pad: (kernel - 1) >> 1 }, [relu], `block${i}.conv`)
      x = b.add({ kind: 'batchnorm', eps: 1e-5 }, [conv], `block${i}.bn`)
    })
    const pooled = b.add({ kind: 'globalavgpool' }, [x], 'pool')
    return b.build(b.add({ kind: 'linear', outFeatures: classes }, [pooled], 'classifier'))
  },
})
