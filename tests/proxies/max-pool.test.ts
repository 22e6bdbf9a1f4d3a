import { beforeAll, describe, expect, it } from 'vitest'
import type { Tensor4D } from '@tensorflow/tfjs-core'
import type { TfjsRuntime } from '../../src/main/core/backends/tfjs/index.ts'
import { firstMaxima, maxPoolWithGradient } from '../../src/main/proxies/max-pool.ts'
import { loadProxyRuntime } from '../../src/main/proxies/runtime.ts'

/**
 * The proxies' max pooling (-inf padding, then 'valid' windows) and its gradient, which goes to each
 * window's first maximum in row-major order. tfjs-wasm's MaxPoolGrad kernel got the 4 x 4 case below
 * wrong: it sent nothing to x[3, 0] = -0.09, the maximum of the bottom-left window (rows 2-4, columns
 * -1..1). The expected gradients are worked out by hand from the values (written beside them).
 */
describe.each(['tfjs-wasm', 'tfjs-cpu'] as const)('max pooling with its gradient on %s', (backend) => {
  let runtime: TfjsRuntime
  beforeAll(async () => {
    runtime = await loadProxyRuntime(backend)
  })

  const gradientOf = (values: number[], side: number, weights: number[], kernel: [number, number], strides: [number, number], pad: number): { y: number[]; dx: number[] } => {
    const { tf } = runtime
    let result = { y: [] as number[], dx: [] as number[] }
    tf.tidy(() => {
      const x = tf.tensor4d(values, [1, side, side, 1])
      const pool = (input: Tensor4D): Tensor4D => maxPoolWithGradient(tf, tf.pad(input, [[0, 0], [pad, pad], [pad, pad], [0, 0]], Number.NEGATIVE_INFINITY) as Tensor4D, kernel, strides)
      const y = pool(x)
      const dx = tf.grad((input) => tf.sum(tf.mul(pool(input as Tensor4D), tf.tensor(weights, y.shape))))(x)
      result = { y: Array.from(y.dataSync()), dx: Array.from(dx.dataSync()) }
    })
    return result
  }

  it('3x3, stride 1, padding 1 on a 4 x 4 map: every window sends its weight to its maximum', () => {
    // x (row-major):      -0.20  0.76  0.32 -0.89 / -1.08  0.02  0.80  0.12 / -1.03 -0.96  0.22  0.79 / -0.09 -1.13 -0.80  0.41
    const x = [-0.2, 0.76, 0.32, -0.89, -1.08, 0.02, 0.8, 0.12, -1.03, -0.96, 0.22, 0.79, -0.09, -1.13, -0.8, 0.41]
    const weights = Array.from({ length: 16 }, (_, i) => i + 1)
    const { y, dx } = gradientOf(x, 4, weights, [3, 3], [1, 1], 1)
    // Window maxima: row 0: 0.76 0.80 0.80 0.80 / row 1: 0.76 0.80 0.80 0.80 / row 2: 0.02 0.80 0.80 0.80 / row 3: -0.09 0.22 0.79 0.79
    expect(y).toEqual([0.76, 0.8, 0.8, 0.8, 0.76, 0.8, 0.8, 0.8, 0.02, 0.8, 0.8, 0.8, -0.09, 0.22, 0.79, 0.79].map(Math.fround))
    // x[0,1] = 0.76 takes windows 1 and 5; x[1,2] = 0.80 takes 2-4, 6-8, 10-12; x[1,1] = 0.02 takes 9; x[3,0] takes 13;
    // x[2,2] = 0.22 takes 14; x[2,3] = 0.79 takes 15 and 16.
    const expected = new Array<number>(16).fill(0)
    expected[1] = 1 + 5
    expected[6] = 2 + 3 + 4 + 6 + 7 + 8 + 10 + 11 + 12
    expected[5] = 9
    expected[12] = 13
    expected[10] = 14
    expected[11] = 15 + 16
    expect(dx).toEqual(expected)
  })

  it('a tie goes to the first maximum in row-major window order; stride 2 windows', () => {
    // 4 x 4 of ones but for a 2 in column 3 of row 0: 2x2 windows, stride 2, no padding.
    const x = [1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    const { y, dx } = gradientOf(x, 4, [10, 20, 30, 40], [2, 2], [2, 2], 0)
    expect(y).toEqual([1, 2, 1, 1])
    // Windows 1, 3, 4 are all ones: each sends its weight to its top-left cell; window 2 to the 2.
    expect(dx).toEqual([10, 0, 0, 20, 0, 0, 0, 0, 30, 0, 40, 0, 0, 0, 0, 0])
  })

  it('firstMaxima gives the window position taken, -1 for a window of NaN only', () => {
    const offsets = firstMaxima(Float32Array.from([Number.NaN, Number.NaN, 3, 5]), [1, 1, 4, 1], [1, 2], [1, 2])
    expect(Array.from(offsets)).toEqual([-1, 1])
  })
})
