import { beforeAll, describe, expect, test } from 'vitest'
import { loadTfjs, runGraphTfjs, type TfjsRuntime } from '../../../../src/main/core/backends/tfjs/index.ts'
import { GraphBuilder } from '../../../../src/main/core/ir/builder.ts'
import { expectExact, oneOp, PORTABLE_BACKENDS } from './helpers.ts'

const ONE_TO_NINE = [1, 2, 3, 4, 5, 6, 7, 8, 9]
// Zero-padded 3x3 window sums of ONE_TO_NINE laid out as a 3x3 image, and the in-bounds counts.
const WINDOW_SUMS = [12, 21, 16, 27, 45, 33, 24, 39, 28]
const WINDOW_COUNTS = [4, 6, 4, 6, 9, 6, 4, 6, 4]

describe.each(PORTABLE_BACKENDS)('runGraphTfjs on %s', (backend) => {
  let runtime: TfjsRuntime
  beforeAll(async () => {
    runtime = await loadTfjs(backend)
  })
  const run = (graph: ReturnType<typeof oneOp>, input: readonly number[], weight = 1): Float32Array =>
    runGraphTfjs(runtime, graph, Float32Array.from(input), weight)

  describe('conv2d', () => {
    test('should give w times the zero-padded window sums for 3x3, pad 1', () => {
      const graph = oneOp({ kind: 'conv2d', outChannels: 1, kernel: 3, stride: 1, pad: 1 }, [1, 1, 3, 3])
      expectExact(run(graph, ONE_TO_NINE, 2), WINDOW_SUMS.map((s) => 2 * s))
    })

    test('should count 4, 6 and 9 taps at corners, edges and inside with stride 2', () => {
      const graph = oneOp({ kind: 'conv2d', outChannels: 1, kernel: 3, stride: 2, pad: 1 }, [1, 1, 4, 4])
      expectExact(run(graph, new Array<number>(16).fill(1)), [4, 6, 6, 9])
    })

    test('should weight input channel i by w * multiplicity and repeat the result on every output channel', () => {
      // channel 0 all ones (multiplicity 2), channel 1 = 1..9; 1x1 kernel, stride 2 picks the corners.
      const graph = oneOp({ kind: 'conv2d', outChannels: 3, kernel: 1, stride: 2, pad: 0 }, [1, 2, 3, 3], [2, 1])
      const corners = [1.5, 2.5, 4.5, 5.5] // 0.5 * 2 * 1 + 0.5 * v for v = 1, 3, 7, 9
      expectExact(run(graph, [...new Array<number>(9).fill(1), ...ONE_TO_NINE], 0.5), [...corners, ...corners, ...corners])
    })

    test('should keep batch and channel order (NCHW in and out)', () => {
      const graph = oneOp({ kind: 'conv2d', outChannels: 1, kernel: 1, stride: 1, pad: 0 }, [2, 2, 1, 2])
      expectExact(run(graph, [1, 2, 10, 20, 100, 200, 1000, 2000]), [11, 22, 1100, 2200])
    })

    test('should keep subnormal results (no flush-to-zero)', () => {
      const graph = oneOp({ kind: 'conv2d', outChannels: 1, kernel: 1, stride: 1, pad: 0 }, [1, 1, 1, 1])
      const out = run(graph, [1e-10], 1e-30)
      expect(out[0]).toBeGreaterThan(0)
      expect(out[0]).toBeLessThan(1.2e-38)
    })
  })

  describe('batchnorm', () => {
    test('should normalise each channel with its batch mean and biased variance over N, H, W', () => {
      // channel 0: 1, 3, 1, 3 (mean 2, var 1); channel 1: 10, 10, 20, 20 (mean 15, var 25).
      const graph = oneOp({ kind: 'batchnorm', eps: 0 }, [2, 2, 1, 2])
      expectExact(run(graph, [1, 3, 10, 10, 1, 3, 20, 20], 3), [-3, 3, -3, -3, -3, 3, 3, 3])
    })

    test('should add eps to the variance', () => {
      // mean 1, var 1, eps 3: (x - 1) / 2 * w.
      const graph = oneOp({ kind: 'batchnorm', eps: 3 }, [1, 1, 1, 2])
      expectExact(run(graph, [0, 2], 4), [-2, 2])
    })

    test('should give 0 for a constant channel', () => {
      const graph = oneOp({ kind: 'batchnorm', eps: 1e-5 }, [1, 1, 2, 2])
      expectExact(run(graph, [7, 7, 7, 7]), [0, 0, 0, 0])
    })

    test('should normalise features of an [N, F] tensor over the batch', () => {
      const graph = oneOp({ kind: 'batchnorm', eps: 0 }, [2, 2])
      expectExact(run(graph, [1, 10, 3, 20], 0.5), [-0.5, -0.5, 0.5, 0.5])
    })
  })

  describe('relu', () => {
    test('should clamp negatives to 0 and keep NaN and infinity', () => {
      const graph = oneOp({ kind: 'relu' }, [1, 1, 1, 5])
      expectExact(run(graph, [-1, 0, 2, Number.NaN, Number.POSITIVE_INFINITY]), [0, 0, 2, Number.NaN, Number.POSITIVE_INFINITY])
    })
  })

  describe('avgpool', () => {
    test('should divide by the in-bounds count when countIncludePad is false', () => {
      const graph = oneOp({ kind: 'avgpool', kernel: 3, stride: 1, pad: 1, countIncludePad: false }, [1, 1, 3, 3])
      expectExact(run(graph, ONE_TO_NINE), [3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7])
      expect(WINDOW_SUMS.map((s, i) => s / WINDOW_COUNTS[i])).toEqual([3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7])
    })

    test('should divide by k*k when countIncludePad is true (border counts 4/9, 6/9, 9/9)', () => {
      const graph = oneOp({ kind: 'avgpool', kernel: 3, stride: 1, pad: 1, countIncludePad: true }, [1, 1, 3, 3])
      expectExact(run(graph, new Array<number>(9).fill(1)), WINDOW_COUNTS.map((c) => c / 9))
    })

    test('should pool 2x2 windows with stride 2 (the reduction shortcut)', () => {
      const graph = oneOp({ kind: 'avgpool', kernel: 2, stride: 2, pad: 0, countIncludePad: true }, [1, 1, 4, 4])
      expectExact(run(graph, Array.from({ length: 16 }, (_, i) => i + 1)), [3.5, 5.5, 11.5, 13.5])
    })

    test('should count in-bounds taps per position with stride 2 and padding', () => {
      const graph = oneOp({ kind: 'avgpool', kernel: 3, stride: 2, pad: 1, countIncludePad: false }, [1, 1, 3, 3])
      expectExact(run(graph, ONE_TO_NINE), [12 / 4, 16 / 4, 24 / 4, 28 / 4])
    })
  })

  describe('maxpool', () => {
    test('should take the max of in-bounds taps (padding never wins)', () => {
      const graph = oneOp({ kind: 'maxpool', kernel: 3, stride: 1, pad: 1 }, [1, 1, 3, 3])
      expectExact(run(graph, ONE_TO_NINE.map((v) => -v)), [-1, -1, -2, -1, -1, -2, -4, -4, -5])
    })

    test('should give NaN for a window holding a NaN, wherever it sits (as torch.max_pool2d)', () => {
      // tf.maxPool itself drops a NaN on cpu and on wasm, where a NaN first in the window gives -inf.
      const graph = oneOp({ kind: 'maxpool', kernel: 2, stride: 2, pad: 0 }, [1, 1, 2, 4])
      const out = run(graph, [NaN, 1, 5, 6, 3, 4, 7, Number.NaN])
      expect(Array.from(out)).toEqual([NaN, NaN])
      expect(Array.from(run(graph, [1, NaN, 5, 6, 3, 4, 7, 8]))).toEqual([NaN, 8])
    })
  })

  describe('zero', () => {
    test('should give 0 for finite values and NaN for infinities and NaN', () => {
      const graph = oneOp({ kind: 'zero' }, [1, 1, 1, 4])
      expectExact(run(graph, [1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]), [0, Number.NaN, Number.NaN, Number.NaN])
    })
  })

  describe('add and regroup', () => {
    test('should fold the sum left in input order, in float32', () => {
      // (1e8 + 1) rounds back to 1e8 in float32, so the left fold gives 0, not 1.
      const b = new GraphBuilder()
      const x = b.input([1, 3, 1, 1])
      const terms = [0, 1, 2].map((c) => b.add({ kind: 'regroup', sources: [c] }, [x], `pick${c}`))
      const graph = b.build(b.add({ kind: 'add' }, terms, 'sum'))
      expectExact(run(graph, [1e8, 1, -1e8]), [0])
    })

    test('should copy channels by source index on images and on [N, F]', () => {
      expectExact(run(oneOp({ kind: 'regroup', sources: [2, 0, 0] }, [1, 3, 1, 2]), [1, 2, 3, 4, 5, 6]), [5, 6, 1, 2, 1, 2])
      expectExact(run(oneOp({ kind: 'regroup', sources: [1, 1] }, [1, 3]), [7, 8, 9]), [8, 8])
    })
  })

  describe('globalavgpool', () => {
    test('should average over H and W per sample and channel', () => {
      const graph = oneOp({ kind: 'globalavgpool' }, [2, 2, 2, 2])
      expectExact(run(graph, [1, 2, 3, 4, 10, 20, 30, 40, 0, 0, 0, 4, -4, 0, 0, 0]), [2.5, 25, 1, -1])
    })
  })

  describe('linear', () => {
    test('should weight feature f by w * multiplicity and repeat the sum on every output', () => {
      const graph = oneOp({ kind: 'linear', outFeatures: 3 }, [2, 2], [2, 1])
      // row 0: 0.5*2*3 + 0.5*5 = 5.5; row 1: 0.5*2*1 + 0.5*(-1) = 0.5.
      expectExact(run(graph, [3, 5, 1, -1], 0.5), [5.5, 5.5, 5.5, 0.5, 0.5, 0.5])
    })

    test('should store the weight as float32', () => {
      const graph = oneOp({ kind: 'linear', outFeatures: 1 }, [1, 1])
      expect(run(graph, [1], 0.1)[0]).toBe(Math.fround(0.1))
    })
  })

  describe('should throw', () => {
    test('INTERNAL for an input of the wrong length', () => {
      const graph = oneOp({ kind: 'relu' }, [1, 1, 2, 2])
      expect(() => run(graph, [1, 2, 3])).toThrow(expect.objectContaining({ code: 'INTERNAL' }))
    })

    test('INTERNAL without leaking tensors when a node disagrees with its declared shape', () => {
      const good = oneOp({ kind: 'relu' }, [1, 1, 2, 2])
      const broken = { ...good, nodes: [good.nodes[0], { ...good.nodes[1], shape: [1, 1, 3, 3] }] }
      const before = runtime.tf.memory().numTensors
      expect(() => run(broken, [1, 2, 3, 4])).toThrow(expect.objectContaining({ code: 'INTERNAL', message: expect.stringContaining('relu') }))
      expect(runtime.tf.memory().numTensors).toBe(before)
    })
  })
})
