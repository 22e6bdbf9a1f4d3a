import { describe, expect, test } from 'vitest'
import * as ts from '../../../../src/main/core/backends/ts/kernels.ts'
import type { Tensor } from '../../../../src/main/core/backends/ts/kernels.ts'
import { describeDifference, randomValues, type ValueMix, kernelTestBed } from './helpers.ts'

/**
 * BatchNorm's first sum fused into the conv that produces its input: the wasm conv adds every value it
 * stores (one output channel, storage order) to a running float64 sum, and the wasm BatchNorm of that
 * very tensor uses it instead of summing (and scanning exponents) itself. Conv then BatchNorm on the
 * wasm kernels must give the bits of the TS pair, and the kernels' sums must be the in-order sums.
 */

const { heap, wasm, plain, inHeap, onHeap } = kernelTestBed()
function tensor(shape: readonly number[], seed: number, mix: ValueMix): Tensor {
  return { shape, data: randomValues(shape.reduce((a, b) => a * b, 1), seed, mix) }
}
/** kernels.ts batchnorm's sum of a one-channel tensor: +0, then every value in storage order. */
function inOrderSum(data: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < data.length; i++) sum += data[i]
  return sum
}
const sameNumber = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))
const outSize = (size: number, kernel: number, stride: number, pad: number): number => Math.floor((size + 2 * pad - kernel) / stride) + 1

const MIXES: readonly ValueMix[] = ['finite', 'special', 'cancelling']
const WEIGHTS = [Math.fround(1e-7), 1, Math.fround(0.3)]
/** [n, c, h, w]: the NB201 plane, SIMD pairs with odd tails, single rows and columns, several stored channels. */
const SHAPES = [
  [3, 1, 32, 32],
  [3, 1, 8, 8],
  [2, 1, 5, 7],
  [2, 1, 3, 4],
  [1, 1, 5, 10],
  [2, 1, 1, 5],
  [2, 1, 6, 1],
  [1, 1, 1, 1],
  [2, 3, 5, 7],
  [2, 2, 4, 9],
] as const
/** [kernel, stride, pad]: the fused 3x3 store, the one-channel 1x1 (scale), strided and generic windows. */
const GEOMETRIES = [
  [3, 1, 1],
  [1, 1, 0],
  [3, 2, 1],
  [1, 2, 0],
  [2, 2, 0],
  [5, 1, 2],
] as const

describe('BatchNorm with its sum fused into the producing conv', () => {
  test('conv then BatchNorm on the wasm kernels has the bits of the TS pair (one and three output channels)', () => {
    let seed = 7000
    let fused = 0
    for (const [n, c, h, w] of SHAPES) {
      for (const [kernel, stride, pad] of GEOMETRIES) {
        const oh = outSize(h, kernel, stride, pad)
        const ow = outSize(w, kernel, stride, pad)
        if (oh < 1 || ow < 1) continue
        for (const outC of [1, 3]) {
          for (const mix of MIXES) {
            const x = tensor([n, c, h, w], seed++, mix)
            const multiplicity = Array.from({ length: c }, (_, i) => 1 + ((seed + i) % 5))
            const weight = WEIGHTS[seed % WEIGHTS.length]
            const outShape = [n, outC, oh, ow]
            const label = `conv ${[n, c, h, w]} k${kernel} s${stride} p${pad} outC ${outC} ${mix}, then batchnorm`
            const reference = ts.batchnorm(ts.conv2d(x, multiplicity, weight, outShape, kernel, stride, pad, plain), weight, 1e-5, plain)
            const candidate = wasm.batchnorm(wasm.conv2d(onHeap(x), multiplicity, weight, outShape, kernel, stride, pad, inHeap), weight, 1e-5, inHeap)
            expect(heap.offsetOf(candidate.data), label).not.toBeNull()
            expect(describeDifference(reference.data, candidate.data), label).toBe('identical')
            if (outC === 1) fused++
          }
        }
      }
    }
    expect(fused).toBeGreaterThan(100)
  })

  test('the conv and scale kernels return the in-order float64 sum of exactly what they stored', () => {
    const k = heap.kernels
    let seed = 8000
    for (const [n, c, h, w] of SHAPES) {
      for (const [kernel, stride, pad] of GEOMETRIES) {
        const oh = outSize(h, kernel, stride, pad)
        const ow = outSize(w, kernel, stride, pad)
        if (oh < 1 || ow < 1) continue
        for (const mix of MIXES) {
          const x = onHeap(tensor([n, c, h, w], seed++, mix))
          const out = inHeap(n * oh * ow)
          const scales = heap.alloc(c * 8) as number
          heap.f64(scales, c).set(Array.from({ length: c }, (_, i) => Math.fround(0.3) * (1 + i)))
          const acc = heap.alloc(oh * ow * 8) as number
          const rows = heap.alloc(h * w * 8) as number
          const label = `conv ${[n, c, h, w]} k${kernel} s${stride} p${pad} ${mix}`
          const sum = k.conv(heap.offsetOf(x.data) as number, heap.offsetOf(out) as number, n, c, h, w, oh, ow, kernel, stride, pad, scales, oh * ow, acc, rows)
          expect(sameNumber(sum, inOrderSum(out)), `${label}: ${sum} vs ${inOrderSum(out)}`).toBe(true)
          if (c === 1) {
            const scaled = inHeap(x.data.length)
            const scaleSum = k.scale(heap.offsetOf(x.data) as number, heap.offsetOf(scaled) as number, x.data.length, 0.3, 0, 1)
            expect(sameNumber(scaleSum, inOrderSum(scaled)), `scale of ${label}`).toBe(true)
            // Without the flag the start comes back untouched: no sum where nobody asked for one.
            expect(k.scale(heap.offsetOf(x.data) as number, heap.offsetOf(scaled) as number, x.data.length, 0.3, 5, 0)).toBe(5)
          }
        }
      }
    }
  })

  test('a fused sum of zero from values that are not all zero still normalises them; a plane of zeros stays +0', () => {
    // A one-channel 1x1 conv of +-1 pairs: the stored values sum to exactly 0, yet none is zero.
    const pairs = Float32Array.from({ length: 2 * 16 }, (_, i) => (i % 2 === 0 ? 1 + (i % 7) : -(1 + ((i - 1) % 7))))
    const x: Tensor = { shape: [2, 1, 4, 4], data: pairs }
    const reference = ts.batchnorm(ts.conv2d(x, [1], 1, [2, 1, 4, 4], 1, 1, 0, plain), 1, 1e-5, plain)
    const convolved = wasm.conv2d(onHeap(x), [1], 1, [2, 1, 4, 4], 1, 1, 0, inHeap)
    expect(inOrderSum(convolved.data)).toBe(0)
    const candidate = wasm.batchnorm(convolved, 1, 1e-5, inHeap)
    expect(describeDifference(reference.data, candidate.data)).toBe('identical')
    expect(candidate.data.some((v) => v !== 0)).toBe(true)
    // Zeros of both signs through a 3x3 conv at a negative weight: every output +-0, the sum +0.
    const zeros: Tensor = { shape: [2, 1, 6, 6], data: Float32Array.from({ length: 72 }, (_, i) => (i % 3 === 0 ? -0 : 0)) }
    for (const weight of [1, -0.5]) {
      const ref = ts.batchnorm(ts.conv2d(zeros, [2], weight, [2, 1, 6, 6], 3, 1, 1, plain), weight, 1e-5, plain)
      const got = wasm.batchnorm(wasm.conv2d(onHeap(zeros), [2], weight, [2, 1, 6, 6], 3, 1, 1, inHeap), weight, 1e-5, inHeap)
      expect(describeDifference(ref.data, got.data), `zeros at ${weight}`).toBe('identical')
    }
  })

  test('a sum belongs to the tensor the conv returned, not to its buffer: new values in the same buffer are summed afresh', () => {
    const x = onHeap(tensor([2, 1, 8, 8], 9100, 'finite'))
    const convolved = wasm.conv2d(x, [3], 1, [2, 1, 8, 8], 3, 1, 1, inHeap)
    // The buffer is written again (as a recycled pool buffer would be) and read as another tensor.
    const other: Tensor = { shape: convolved.shape, data: convolved.data }
    other.data.set(randomValues(other.data.length, 9101, 'finite'))
    const reference = ts.batchnorm({ shape: other.shape, data: Float32Array.from(other.data) }, 1, 1e-5, plain)
    expect(describeDifference(reference.data, wasm.batchnorm(other, 1, 1e-5, inHeap).data)).toBe('identical')
  })
})
