import type { Tensor } from '@tensorflow/tfjs-core'
import { activateBackend } from '../core/backends/tfjs/runtime.ts'
import { forward, imageTensor, layerTensors } from './network.ts'
import type { Proxy } from './proxy.ts'

/**
 * SWAP (Peng et al., ICLR 2024, "SWAP-NAS: sample-wise activation patterns"; reference
 * pym1024/SWAP, src/metrics/swap.py): the sign of every 4-D ReLU's output (1 where the input is
 * positive, else 0) for each image; each unit's pattern across the batch is one N-bit word, and the
 * score is the number of distinct words over all units of all ReLUs (torch.unique over the rows of
 * the transposed activation matrix). The unregularised score (regular_factor 1): the paper's
 * regularised variant multiplies by a Gaussian of the parameter count with space-tuned mu and
 * sigma, which a user's own space does not have. A count, so it is exact on every backend: a
 * ReLU fed by the same tensor twice only repeats patterns, so the module structure does not matter.
 */
export const swapProxy: Proxy = {
  id: 'swap',
  title: 'SWAP: distinct sample-wise activation patterns',
  needs: { forward: true, gradients: false, labels: false },
  compute(network, batch, { runtime }) {
    const { tf } = runtime
    activateBackend(runtime)
    const n = batch.shape[0]
    const patterns = new PatternSet(n)
    tf.tidy(() => {
      const collect = (input: Tensor): void => {
        if (input.rank !== 4) return
        // [units, N]: a row per unit, its bits across the batch.
        const codes = tf.transpose(tf.greater(tf.reshape(input, [n, -1]), tf.scalar(0))).dataSync() as Uint8Array
        patterns.addRows(codes)
      }
      forward(tf, network.graph, layerTensors(tf, network.parameters), imageTensor(tf, batch.data, batch.shape), { batchnorm: true, onRelu: collect, release: true })
    })
    return patterns.size
  },
}

/** Distinct rows of 0/1 bytes, n per row: packed into 32-bit words (one number key up to 32 images, a string key beyond). */
export class PatternSet {
  private readonly words: number
  private readonly numbers = new Set<number>()
  private readonly strings = new Set<string>()

  constructor(private readonly n: number) {
    this.words = Math.ceil(n / 32)
  }

  get size(): number {
    return this.words === 1 ? this.numbers.size : this.strings.size
  }

  addRows(bits: Uint8Array): void {
    const packed = new Uint32Array(this.words)
    for (let row = 0; row + this.n <= bits.length; row += this.n) {
      packed.fill(0)
      for (let i = 0; i < this.n; i++) if (bits[row + i]) packed[i >>> 5] |= 1 << (i & 31)
      if (this.words === 1) this.numbers.add(packed[0])
      else this.strings.add(packed.join(','))
    }
  }
}
