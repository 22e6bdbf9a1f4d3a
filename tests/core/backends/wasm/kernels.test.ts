import { describe, expect, test } from 'vitest'
import * as ts from '../../../../src/main/core/backends/ts/kernels.ts'
import * as recurrent from '../../../../src/main/core/backends/ts/recurrent.ts'
import type { Tensor } from '../../../../src/main/core/backends/ts/kernels.ts'
import { exactSumPossible } from '../../../../src/main/core/backends/wasm/kernels.ts'
import { SeededRandom } from '../../../../src/main/core/random.ts'
import { describeDifference, randomValues, type ValueMix, kernelTestBed } from './helpers.ts'

/**
 * Every wasm kernel against its TS reference on seeded random inputs: the same bits for every
 * output (NaN for NaN), on shapes that hit the SIMD pairs, the odd tails and the edges (w = 1, h = 1),
 * with subnormals, both zeros, overflow, inf and NaN. The TS kernels run on plain arrays, the wasm
 * ones on copies of the same inputs in the heap.
 */

const { heap, wasm, plain, inHeap, onHeap } = kernelTestBed()

function tensor(shape: readonly number[], seed: number, mix: ValueMix): Tensor {
  return { shape, data: randomValues(shape.reduce((a, b) => a * b, 1), seed, mix) }
}

function expectSameBits(reference: Tensor, candidate: Tensor, label: string): void {
  expect(candidate.shape, label).toEqual(reference.shape)
  expect(heap.offsetOf(candidate.data), `${label}: output not in the heap`).not.toBeNull()
  expect(describeDifference(reference.data, candidate.data), label).toBe('identical')
}

const MIXES: readonly ValueMix[] = ['finite', 'special', 'cancelling']
/** [n, c, h, w]: SIMD pairs, odd widths (scalar tails), single rows and columns, several channels. */
const SHAPES: readonly (readonly [number, number, number, number])[] = [
  [4, 1, 32, 32],
  [3, 1, 8, 8],
  [2, 3, 5, 7],
  [2, 2, 1, 1],
  [2, 1, 1, 5],
  [2, 1, 6, 1],
  [3, 2, 3, 2],
  [1, 1, 2, 2],
  [2, 1, 4, 9],
  // small even widths and heights (pairs only, first and last rows close together)
  [2, 1, 3, 4],
  [2, 1, 4, 6],
  [1, 1, 5, 10],
]
const WEIGHTS = [Math.fround(1e-7), 1, Math.fround(0.3)]

function outSize(size: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - kernel) / stride) + 1
}

describe('wasm kernels are bit-identical to the TS kernels', () => {
  test('relu, zero: every length around the 4-lane blocks', () => {
    for (const length of [1, 2, 3, 4, 5, 7, 8, 33, 1027]) {
      for (const mix of MIXES) {
        const x = tensor([length], length, mix)
        expectSameBits(ts.relu(x, plain), wasm.relu(onHeap(x), inHeap), `relu ${length} ${mix}`)
        expectSameBits(ts.zero(x, plain), wasm.zero(onHeap(x), inHeap), `zero ${length} ${mix}`)
      }
    }
  })

  test('add: 2, 3 and 5 operands, float32 rounding after every addition', () => {
    for (const count of [2, 3, 5]) {
      for (const length of [1, 6, 1029]) {
        for (const mix of MIXES) {
          const xs = Array.from({ length: count }, (_, i) => tensor([length], 100 * count + 10 * i + length, mix))
          expectSameBits(ts.add(xs, plain), wasm.add(xs.map(onHeap), inHeap), `add x${count} ${length} ${mix}`)
        }
      }
    }
  })

  test('conv2d: separable 3x3 stride-1 windows, 1x1 (one channel and several), strided and generic windows', () => {
    const geometries = [
      [3, 1, 1],
      [1, 1, 0],
      [3, 2, 1],
      [1, 2, 0],
      [2, 2, 0],
      [3, 1, 0],
      [5, 1, 2],
    ] as const
    let seed = 1
    for (const [n, c, h, w] of SHAPES) {
      for (const [kernel, stride, pad] of geometries) {
        const oh = outSize(h, kernel, stride, pad)
        const ow = outSize(w, kernel, stride, pad)
        if (oh < 1 || ow < 1) continue
        for (const outC of [1, 3]) {
          for (const mix of MIXES) {
            const x = tensor([n, c, h, w], seed++, mix)
            const multiplicity = Array.from({ length: c }, (_, i) => 1 + ((seed + i) % 5))
            const weight = WEIGHTS[seed % WEIGHTS.length]
            const outShape = [n, outC, oh, ow]
            const label = `conv ${[n, c, h, w]} k${kernel} s${stride} p${pad} outC ${outC} ${mix}`
            expectSameBits(ts.conv2d(x, multiplicity, weight, outShape, kernel, stride, pad, plain), wasm.conv2d(onHeap(x), multiplicity, weight, outShape, kernel, stride, pad, inHeap), label)
          }
        }
      }
    }
  })

  test('avgpool: 3x3 stride-1 windows, 2x2 stride 2, 3x3 stride 2, with and without the padding in the divisor', () => {
    let seed = 500
    for (const [n, c, h, w] of SHAPES) {
      for (const [kernel, stride, pad] of [
        [3, 1, 1],
        [2, 2, 0],
        [3, 2, 1],
      ] as const) {
        const oh = outSize(h, kernel, stride, pad)
        const ow = outSize(w, kernel, stride, pad)
        if (oh < 1 || ow < 1) continue
        for (const countIncludePad of [false, true]) {
          for (const mix of MIXES) {
            const x = tensor([n, c, h, w], seed++, mix)
            const outShape = [n, c, oh, ow]
            const label = `avgpool ${[n, c, h, w]} k${kernel} s${stride} includePad ${countIncludePad} ${mix}`
            expectSameBits(ts.avgpool(x, outShape, kernel, stride, pad, countIncludePad, plain), wasm.avgpool(onHeap(x), outShape, kernel, stride, pad, countIncludePad, inHeap), label)
          }
        }
      }
    }
  })

  test('maxpool: separable 3x3 stride 1 and general windows (NaN propagating, +0 against -0 in the TS order)', () => {
    let seed = 800
    for (const [n, c, h, w] of [...SHAPES, [2, 1, 3, 11], [1, 2, 7, 6]] as const) {
      for (const [kernel, stride, pad] of [
        [3, 1, 1],
        [2, 2, 0],
        [3, 2, 1],
      ] as const) {
        const oh = outSize(h, kernel, stride, pad)
        const ow = outSize(w, kernel, stride, pad)
        if (oh < 1 || ow < 1) continue
        for (const mix of [...MIXES, 'zeros'] as const) {
          const x = tensor([n, c, h, w], seed++, mix === 'zeros' ? 'finite' : mix)
          // Mostly +0 and -0: which one a window keeps depends on the order of comparisons.
          if (mix === 'zeros') x.data.forEach((v, i) => (x.data[i] = i % 3 === 0 ? v : Object.is(Math.sign(v), -1) ? -0 : 0))
          const label = `maxpool ${[n, c, h, w]} k${kernel} s${stride} ${mix}`
          expectSameBits(ts.maxpool(x, [n, c, oh, ow], kernel, stride, pad, plain), wasm.maxpool(onHeap(x), [n, c, oh, ow], kernel, stride, pad, inHeap), label)
        }
      }
    }
  })

  test('globalavgpool: in-order plane sums divided by the plane size', () => {
    let seed = 700
    for (const shape of SHAPES) {
      for (const mix of MIXES) {
        const x = tensor(shape, seed++, mix)
        expectSameBits(ts.globalavgpool(x, plain), wasm.globalavgpool(onHeap(x), inHeap), `globalavgpool ${shape} ${mix}`)
      }
    }
  })

  test('batchnorm: one and several channels, images and [N, C] rows, every weight', () => {
    let seed = 900
    const shapes = [...SHAPES, [5, 3], [7, 1], [1, 4]] as const
    for (const shape of shapes) {
      for (const weight of WEIGHTS) {
        for (const mix of MIXES) {
          const x = tensor(shape, seed++, mix)
          const label = `batchnorm ${shape} w ${weight} ${mix}`
          expectSameBits(ts.batchnorm(x, weight, 1e-5, plain), wasm.batchnorm(onHeap(x), weight, 1e-5, inHeap), label)
        }
      }
    }
  })

  test('batchnorm of planes of +0 and -0 only (the sum of squares is known to be +0), at positive and negative weights', () => {
    for (const weight of [1, -0.5, Math.fround(1e-7)]) {
      const x = tensor([3, 2, 4, 4], 31, 'finite')
      x.data.forEach((v, i) => (x.data[i] = v < 0 ? -0 : 0))
      expectSameBits(ts.batchnorm(x, weight, 1e-5, plain), wasm.batchnorm(onHeap(x), weight, 1e-5, inHeap), `batchnorm of zeros at ${weight}`)
    }
  })

  test('batchnorm of a large plane of ordinary values (the sums round at many steps)', () => {
    const x = tensor([64, 1, 32, 32], 77, 'finite')
    for (let i = 0; i < x.data.length; i++) x.data[i] = Math.fround(1 + Math.abs(x.data[i]) / 4) // no overflow to inf
    expectSameBits(ts.batchnorm(x, 1, 1e-5, plain), wasm.batchnorm(onHeap(x), 1, 1e-5, inHeap), 'batchnorm 64x1x32x32')
  })

  test('BatchNorm sums in four lanes only where every partial sum is exact: the bound', () => {
    // ceil(log2(count)) + largest - smallest <= 29 (exponent fields; subnormals count as field 1).
    expect(exactSumPossible(127, 116, 2 ** 18)).toBe(true)
    expect(exactSumPossible(127, 115, 2 ** 18)).toBe(false)
    expect(exactSumPossible(127, 115, 2 ** 18 - 1)).toBe(false) // ceil: 2^18 - 1 needs 18 bits too
    expect(exactSumPossible(127, 116, 2 ** 18 + 1)).toBe(false)
    expect(exactSumPossible(1, 0, 2 ** 20)).toBe(true) // subnormals: the same quantum as field 1
    expect(exactSumPossible(255, 127, 4)).toBe(false) // inf or NaN
    expect(exactSumPossible(0, 255, 4)).toBe(true) // every value zero
  })

  test('the four-lane sum has the in-order bits within the bound, not always past it; BatchNorm keeps the TS bits either way', () => {
    // Values spread over `spread` binades. Within the bound, the four-lane sum has the in-order sum's
    // bits; past it, it differs for some data (so the check is needed), and BatchNorm, which then
    // sums in order, still gives the TS bits.
    const count = 4096 // ceil(log2) = 12: the bound is a spread of 17 binades
    const random = new SeededRandom(41)
    let differedPastTheBound = 0
    for (const spread of [10, 16, 17, 18, 20, 24, 30]) {
      for (let trial = 0; trial < 8; trial++) {
        const x = onHeap({
          shape: [4, 1, 32, 32],
          // Positive values at both ends of the spread: the partial sums grow as far as they can.
          data: Float32Array.from({ length: count }, () => (1 + random.nextUint32() / 2 ** 32) * 2 ** (random.nextUint32() % 2 === 0 ? 0 : spread - 1)),
        })
        const src = heap.offsetOf(x.data) as number
        const range = heap.kernels.exponentRange(src, count)
        const inOrder = heap.kernels.sum(0, src, count)
        const lanes = heap.kernels.sumExact(0, src, count)
        if (exactSumPossible(range >> 8, range & 255, count)) expect(lanes, `spread ${spread}`).toBe(inOrder)
        else if (lanes !== inOrder) differedPastTheBound++
        expectSameBits(ts.batchnorm(x, 1, 1e-5, plain), wasm.batchnorm(x, 1, 1e-5, inHeap), `batchnorm over ${spread} binades, trial ${trial}`)
      }
    }
    expect(differedPastTheBound).toBeGreaterThan(0)
  })

  test('multilinear: row sums in four interleaved chains, odd row counts, per-feature scales, repeated operands', () => {
    let seed = 500
    for (const n of [1, 3, 4, 5, 8, 11]) {
      for (const f of [1, 2, 7, 400]) {
        for (const mix of MIXES) {
          const x = tensor([n, f], seed++, mix)
          const h = tensor([n, 1], seed++, mix)
          const grouped = Array.from({ length: f }, (_, i) => 1 + ((seed + i) % 5))
          const ones = new Array<number>(f).fill(1)
          const weight = WEIGHTS[seed % WEIGHTS.length]
          for (const [multiplicity, outFeatures] of [[ones, 3], [grouped, 1]] as const) {
            const label = `multilinear [${n}, ${f}] ${mix} m ${multiplicity === ones ? 'ones' : 'grouped'}`
            // The same tensor twice (as a cell's x feeds several linears): the second call reuses the sums.
            const [xh, hh] = [onHeap(x), onHeap(h)]
            for (const repeat of [1, 2]) {
              expectSameBits(
                recurrent.multilinear([x, h], [multiplicity, [600]], weight, outFeatures, plain),
                wasm.multilinear([xh, hh], [multiplicity, [600]], weight, outFeatures, inHeap),
                `${label} (call ${repeat})`,
              )
            }
            // Same tensor objects, another weight: recomputed, never served from the first weight's sums.
            expectSameBits(recurrent.multilinear([h, x], [[600], multiplicity], 1, 2, plain), wasm.multilinear([hh, xh], [[600], multiplicity], 1, 2, inHeap), `${label} at weight 1`)
          }
        }
      }
    }
  })

  test('operands outside the heap run the TS kernel and give the same bits', () => {
    const x = tensor([2, 1, 6, 6], 3, 'finite')
    expect(describeDifference(ts.relu(x, plain).data, wasm.relu(x, plain).data)).toBe('identical')
    expect(describeDifference(ts.conv2d(x, [2], 0.5, [2, 1, 6, 6], 3, 1, 1, plain).data, wasm.conv2d(x, [2], 0.5, [2, 1, 6, 6], 3, 1, 1, inHeap).data)).toBe('identical')
    const rows = tensor([5, 7], 4, 'special')
    expect(describeDifference(recurrent.multilinear([rows], [new Array<number>(7).fill(2)], 0.5, 3, plain).data, wasm.multilinear([rows], [new Array<number>(7).fill(2)], 0.5, 3, inHeap).data)).toBe('identical')
  })
})
