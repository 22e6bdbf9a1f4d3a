import { SeededRandom } from '../core/random.ts'
import type { ImageBatchShape, Minibatch, MinibatchSource } from './minibatch.ts'

function elementCount(shape: ImageBatchShape): number {
  return shape[0] * shape[1] * shape[2] * shape[3]
}

/** Grey scale (paper Table 11): image i is the constant i / N on every pixel and channel. */
export const greySource: MinibatchSource = {
  id: 'grey',
  seeded: false,
  load(shape) {
    const [n] = shape
    const data = new Float32Array(elementCount(shape))
    const perImage = data.length / n
    for (let i = 0; i < n; i++) data.fill(i / n, i * perImage, (i + 1) * perImage)
    return { shape, data, channelsIdentical: true, descriptor: 'grey' }
  },
}

function seededSource(id: string, draw: (random: SeededRandom) => number): MinibatchSource {
  return {
    id,
    seeded: true,
    load(shape, seed) {
      const random = new SeededRandom(seed)
      const data = new Float32Array(elementCount(shape))
      for (let i = 0; i < data.length; i++) data[i] = draw(random)
      return { shape, data, channelsIdentical: false, descriptor: `${id}:seed=${seed}` }
    },
  }
}

/** Random normal N(0, 1), seeded. */
export const normalSource = seededSource('normal', (r) => r.nextNormal())
/** Draws until the float32-rounded value is strictly inside (low, high): rounding can reach the ends. */
function openInterval(draw: () => number, low: number, high: number): number {
  for (;;) {
    const x = Math.fround(draw())
    if (x > low && x < high) return x
  }
}

/** Random uniform on (-1, 1), seeded. */
export const uniformSource = seededSource('uniform', (r) => openInterval(() => 2 * r.nextFloat() - 1, -1, 1))
/** Random uniform on (0, 1), seeded. */
export const uniformPositiveSource = seededSource('uniform-pos', (r) => openInterval(() => r.nextFloat(), 0, 1))
