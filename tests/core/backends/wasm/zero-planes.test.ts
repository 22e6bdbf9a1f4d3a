import { describe, expect, test } from 'vitest'
import * as ts from '../../../../src/main/core/backends/ts/kernels.ts'
import type { Tensor } from '../../../../src/main/core/backends/ts/kernels.ts'
import { describeDifference, randomValues, kernelTestBed } from './helpers.ts'

/**
 * Planes known to hold only +-0: the wasm BatchNorm that finds its input all zeros marks its output,
 * and the ops that keep zeros carry the mark (conv and average pooling then store +0 without summing
 * windows; ops on planes of +0 only fill their output with +0). Every op on such a tensor must still give the TS kernels' bits, signs of zero included,
 * and the mark must belong to the tensor, never to a buffer that later holds other values.
 */
const { heap, wasm, plain, inHeap, onHeap } = kernelTestBed()
/** +0 and -0 in a seeded pattern. */
function zeros(shape: readonly number[], seed: number): Tensor {
  const random = randomValues(shape.reduce((a, b) => a * b, 1), seed, 'finite')
  return { shape, data: random.map((v) => (v < 0 ? -0 : 0)) }
}

type Step = [string, (k: typeof ts | typeof wasm, x: Tensor, alloc: (n: number) => Float32Array) => Tensor]

describe('planes known to hold only zeros', () => {
  test('every op after a BatchNorm of zeros has the TS bits (signs of zero included), chained as a network chains them', () => {
    for (const [shape, weight] of [
      [[3, 1, 8, 8], 1],
      [[2, 1, 5, 7], Math.fround(1e-7)],
      [[2, 1, 6, 6], -0.5],
      [[2, 3, 4, 6], 1],
    ] as const) {
      const [n, c, h, w] = shape
      const steps: Step[] = [
        ['batchnorm', (k, x, a) => k.batchnorm(x, weight, 1e-5, a)],
        ['relu', (k, x, a) => k.relu(x, a)],
        ['conv 3x3', (k, x, a) => k.conv2d(x, new Array(c).fill(3), weight, [n, 1, h, w], 3, 1, 1, a)],
        ['batchnorm', (k, x, a) => k.batchnorm(x, weight, 1e-5, a)],
        ['conv 1x1', (k, x, a) => k.conv2d(x, [5], weight, [n, 1, h, w], 1, 1, 0, a)],
        ['batchnorm', (k, x, a) => k.batchnorm(x, weight, 1e-5, a)],
        ['zero', (k, x, a) => k.zero(x, a)],
        ['avgpool 3x3 without padding in the count', (k, x, a) => k.avgpool(x, [n, 1, h, w], 3, 1, 1, false, a)],
        ['conv 1x1 to two channels', (k, x, a) => k.conv2d(x, [2], weight, [n, 2, h, w], 1, 1, 0, a)],
        ['conv 3x3 stride 2 over two channels', (k, x, a) => k.conv2d(x, [1, 2], weight, [n, 1, Math.floor((h - 1) / 2) + 1, Math.floor((w - 1) / 2) + 1], 3, 2, 1, a)],
        ['avgpool 2x2 stride 2', (k, x, a) => k.avgpool(x, [n, 1, Math.floor(x.shape[2] / 2), Math.floor(x.shape[3] / 2)], 2, 2, 0, true, a)],
        ['batchnorm', (k, x, a) => k.batchnorm(x, weight, 1e-5, a)],
      ]
      let reference = zeros(shape, 11)
      let candidate = onHeap(reference)
      for (const [name, step] of steps) {
        const label = `${name} after zeros ${shape} at ${weight}`
        reference = step(ts, reference, plain)
        candidate = step(wasm, candidate, inHeap)
        expect(describeDifference(reference.data, candidate.data), label).toBe('identical')
        expect(reference.data.every((v) => v === 0), label).toBe(true)
        // an add of zeros keeps zeros (both operands marked)
        expect(describeDifference(ts.add([reference, reference], plain).data, wasm.add([candidate, candidate], inHeap).data), `add ${label}`).toBe('identical')
      }
    }
  })

  test('conv of zeros at a weight of inf is NaN as in TS (the shortcut needs finite scales)', () => {
    const known = wasm.batchnorm(onHeap(zeros([2, 1, 4, 4], 5)), 1, 1e-5, inHeap)
    const reference = ts.conv2d(ts.batchnorm(zeros([2, 1, 4, 4], 5), 1, 1e-5, plain), [1], Number.POSITIVE_INFINITY, [2, 1, 4, 4], 3, 1, 1, plain)
    expect(describeDifference(reference.data, wasm.conv2d(known, [1], Number.POSITIVE_INFINITY, [2, 1, 4, 4], 3, 1, 1, inHeap).data)).toBe('identical')
    expect(reference.data.every(Number.isNaN)).toBe(true)
  })

  test('the mark belongs to the tensor: new values in the same buffer are computed as they are', () => {
    const known = wasm.batchnorm(onHeap(zeros([2, 1, 8, 8], 7)), 1, 1e-5, inHeap)
    // The buffer is written again (as a recycled pool buffer would be) and read as another tensor.
    const other: Tensor = { shape: known.shape, data: known.data }
    other.data.set(randomValues(other.data.length, 8, 'finite'))
    const copy = { shape: other.shape, data: Float32Array.from(other.data) }
    expect(describeDifference(ts.conv2d(copy, [3], 1, [2, 1, 8, 8], 3, 1, 1, plain).data, wasm.conv2d(other, [3], 1, [2, 1, 8, 8], 3, 1, 1, inHeap).data)).toBe('identical')
    expect(describeDifference(ts.avgpool(copy, [2, 1, 8, 8], 3, 1, 1, false, plain).data, wasm.avgpool(other, [2, 1, 8, 8], 3, 1, 1, false, inHeap).data)).toBe('identical')
  })
})
