import { beforeAll, describe, expect, test } from 'vitest'
import { loadTfjs, runGraphTfjs } from '../../../src/main/core/backends/tfjs/index.ts'
import { runGraphTs } from '../../../src/main/core/backends/ts/interpreter.ts'
import { GraphBuilder } from '../../../src/main/core/ir/builder.ts'
import type { Graph, Op } from '../../../src/main/core/ir/graph.ts'
import { magnitudeBound, printGraph, validateGraph } from '../../../src/main/core/ir/index.ts'
import { collapseGraph, collapseInput, expandOutput } from '../../../src/main/core/passes/collapse.ts'
import { EpsinasError } from '../../../src/shared/errors.ts'

/**
 * The ops NB101 added to the IR (maxpool, concat, channelslice), written once and run on every
 * backend (the typed-array interpreter, the living definition, and TensorFlow.js wasm and cpu),
 * then their width-collapse rules.
 */

type Runner = (graph: Graph, input: Float32Array, weight: number) => Float32Array
const BACKENDS = ['ts', 'tfjs-wasm', 'tfjs-cpu'] as const

function oneOp(op: Op, inputShape: readonly number[]): Graph {
  const b = new GraphBuilder()
  const x = b.input(inputShape)
  return b.build(b.add(op, [x], op.kind))
}

/** Two halves of the input channels (a, b) concatenated as (b, a, b). */
function concatGraph(shape: readonly number[]): Graph {
  const b = new GraphBuilder()
  const x = b.input(shape)
  const half = shape[1] / 2
  const first = b.add({ kind: 'channelslice', start: 0, size: half }, [x], 'a')
  const second = b.add({ kind: 'channelslice', start: half, size: half }, [x], 'b')
  return b.build(b.add({ kind: 'concat' }, [second, first, second], 'concat'))
}

function expectExact(actual: Float32Array, expected: readonly number[]): void {
  expect(Array.from(actual, (v) => (Number.isNaN(v) ? 'NaN' : v + 0))).toEqual(expected.map((v) => (Number.isNaN(v) ? 'NaN' : Math.fround(v) + 0)))
}

const ONE_TO_SIXTEEN = Array.from({ length: 16 }, (_, i) => i + 1)

describe.each(BACKENDS)('NB101 ops on %s', (backend) => {
  let run: Runner
  beforeAll(async () => {
    if (backend === 'ts') run = (g, x, w) => runGraphTs(g, x, w)
    else {
      const runtime = await loadTfjs(backend)
      run = (g, x, w) => runGraphTfjs(runtime, g, x, w)
    }
  })

  describe('maxpool', () => {
    test('3x3, stride 1, pad 1: the max over the in-bounds part of each window (padding never wins)', () => {
      // All negative, so a zero pad would win at the borders if padding counted.
      const input = ONE_TO_SIXTEEN.map((v) => -v)
      const graph = oneOp({ kind: 'maxpool', kernel: 3, stride: 1, pad: 1 }, [1, 1, 4, 4])
      expectExact(run(graph, Float32Array.from(input), 1), [-1, -1, -2, -3, -1, -1, -2, -3, -5, -5, -6, -7, -9, -9, -10, -11])
    })

    test('2x2, stride 2: the max of each block, per channel and image', () => {
      const graph = oneOp({ kind: 'maxpool', kernel: 2, stride: 2, pad: 0 }, [2, 2, 2, 2])
      const input = [1, 5, 3, 2, -1, -4, -3, -2, 0, 0, 0, 0, 7, 7, 8, 7]
      expectExact(run(graph, Float32Array.from(input), 1), [5, -1, 0, 8])
    })

    test('keeps infinities and subnormals bit for bit', () => {
      const graph = oneOp({ kind: 'maxpool', kernel: 2, stride: 2, pad: 0 }, [1, 2, 2, 2])
      const tiny = 1e-44
      expectExact(run(graph, Float32Array.from([0, -1, -2, tiny, Number.NEGATIVE_INFINITY, -1, -2, -3]), 1), [tiny, -1])
      const inf = run(graph, Float32Array.from([Number.POSITIVE_INFINITY, 0, 0, 0, -5, -6, -7, -8]), 1)
      expectExact(inf, [Number.POSITIVE_INFINITY, -5])
    })
  })

  describe('concat and channelslice', () => {
    test('concatenate channels in operand order, per image (NCHW)', () => {
      // 2 images x 4 channels x 1 x 2: values 100 * image + 10 * channel + position.
      const input = Float32Array.from({ length: 16 }, (_, k) => 100 * Math.floor(k / 8) + 10 * Math.floor((k % 8) / 2) + (k % 2))
      const out = run(concatGraph([2, 4, 1, 2]), input, 1)
      const image = (i: number): number[] => [2, 3, 0, 1, 2, 3].flatMap((c) => [100 * i + 10 * c, 100 * i + 10 * c + 1])
      expectExact(out, [...image(0), ...image(1)])
    })

    test('slice channels start..start+size-1 of every image', () => {
      const graph = oneOp({ kind: 'channelslice', start: 1, size: 2 }, [2, 4, 1, 1])
      expectExact(run(graph, Float32Array.from([0, 1, 2, 3, 10, 11, 12, 13]), 1), [1, 2, 11, 12])
    })
  })
})

describe('maxpool on the typed-array interpreter (the definition)', () => {
  test('a NaN anywhere in a window makes that window NaN (torch.max_pool2d propagates NaN)', () => {
    const graph = oneOp({ kind: 'maxpool', kernel: 3, stride: 1, pad: 1 }, [1, 1, 1, 4])
    expectExact(runGraphTs(graph, Float32Array.from([Number.NaN, 5, 1, 1]), 1), [Number.NaN, Number.NaN, 5, 1])
    const strided = oneOp({ kind: 'maxpool', kernel: 2, stride: 2, pad: 0 }, [1, 1, 2, 2])
    expectExact(runGraphTs(strided, Float32Array.from([1, 2, Number.NaN, 3]), 1), [Number.NaN])
  })
})

describe('IR rules of the new ops', () => {
  const fail = (fn: () => unknown): string => {
    try {
      fn()
    } catch (error) {
      expect(error).toBeInstanceOf(EpsinasError)
      return (error as Error).message
    }
    throw new Error('expected an error')
  }

  test('shapes: concat adds channels, slice takes some, maxpool keeps channels', () => {
    expect(concatGraph([2, 4, 3, 3]).nodes.at(-1)?.shape).toEqual([2, 6, 3, 3])
    expect(oneOp({ kind: 'maxpool', kernel: 2, stride: 2, pad: 0 }, [1, 5, 8, 8]).nodes[1].shape).toEqual([1, 5, 4, 4])
  })

  test('inconsistent operands are INTERNAL errors saying what is wrong', () => {
    expect(fail(() => oneOp({ kind: 'channelslice', start: 3, size: 2 }, [1, 4, 1, 1]))).toBe('channelslice: channels 3..4 out of range for 4 channels')
    const b = new GraphBuilder()
    const x = b.input([1, 2, 4, 4])
    const small = b.add({ kind: 'maxpool', kernel: 2, stride: 2, pad: 0 }, [x], 'pool')
    expect(fail(() => b.add({ kind: 'concat' }, [x, small], 'concat'))).toBe('concat: operands differ outside the channels: [1,2,4,4] vs [1,2,2,2]')
  })

  test('the magnitude bound passes through maxpool and slice, and takes the largest operand of a concat', () => {
    const b = new GraphBuilder()
    const x = b.input([1, 2, 2, 2])
    const conv = b.add({ kind: 'conv2d', outChannels: 1, kernel: 1, stride: 1, pad: 0 }, [x], 'conv')
    const both = b.add({ kind: 'concat' }, [x, conv], 'concat')
    const pooled = b.add({ kind: 'maxpool', kernel: 2, stride: 2, pad: 0 }, [both], 'pool')
    const graph = b.build(b.add({ kind: 'channelslice', start: 0, size: 1 }, [pooled], 'slice'))
    // conv: 2 channels * weight 3 * input bound 1 = 6.
    expect(magnitudeBound(graph, 3, 1)).toBeCloseTo(6, 3)
  })
})

describe('width-collapse rules of the new ops', () => {
  /** conv (one group of C) -> split into groups by concat and slice, then back through a conv. */
  function groupedGraph(): Graph {
    const b = new GraphBuilder()
    const x = b.input([2, 3, 6, 6])
    const stem = b.add({ kind: 'conv2d', outChannels: 8, kernel: 3, stride: 1, pad: 1 }, [x], 'stem')
    const bn = b.add({ kind: 'batchnorm', eps: 1e-5 }, [stem], 'bn')
    const other = b.add({ kind: 'conv2d', outChannels: 5, kernel: 1, stride: 1, pad: 0 }, [bn], 'other')
    const pooled = b.add({ kind: 'maxpool', kernel: 3, stride: 1, pad: 1 }, [other], 'pool')
    // Groups: [8 of bn][5 of pooled][8 of bn] = 21 channels; keep 2..17: [6][5][6].
    const cat = b.add({ kind: 'concat' }, [bn, pooled, bn], 'concat')
    const cut = b.add({ kind: 'channelslice', start: 2, size: 16 }, [cat], 'slice')
    const down = b.add({ kind: 'maxpool', kernel: 2, stride: 2, pad: 0 }, [cut], 'down')
    const mixed = b.add({ kind: 'conv2d', outChannels: 4, kernel: 3, stride: 1, pad: 1 }, [down], 'mix')
    const sum = b.add({ kind: 'add' }, [mixed, b.add({ kind: 'channelslice', start: 0, size: 4 }, [down], 'cut4')], 'sum')
    const gap = b.add({ kind: 'globalavgpool' }, [b.add({ kind: 'maxpool', kernel: 2, stride: 2, pad: 0 }, [sum], 'down2')], 'gap')
    return b.build(b.add({ kind: 'linear', outFeatures: 3 }, [gap], 'fc'))
  }

  test('should carry groups with multiplicities through concat (union) and slice (cut at the range ends)', () => {
    const collapsed = collapseGraph(groupedGraph(), { inputPartition: [1, 1, 1] })
    validateGraph(collapsed)
    const byLabel = (label: string) => collapsed.nodes.find((n) => n.label === label)
    expect(byLabel('concat')?.channelMultiplicity).toEqual([8, 5, 8])
    expect(byLabel('slice')?.channelMultiplicity).toEqual([6, 5, 5])
    expect(byLabel('slice')?.op).toEqual({ kind: 'channelslice', start: 0, size: 3 })
    expect(byLabel('cut4')?.channelMultiplicity).toEqual([4])
    expect(byLabel('cut4')?.op).toEqual({ kind: 'channelslice', start: 0, size: 1 })
    expect(byLabel('mix')?.channelMultiplicity).toEqual([4])
  })

  test('should print readably before and after', () => {
    expect(printGraph(groupedGraph())).toContain('%6 channelslice[2..17](%5) [2x16x6x6]  slice')
    expect(printGraph(collapseGraph(groupedGraph(), { inputPartition: [1, 1, 1] }))).toBe(
      [
        '%0 input [2x3x6x6]  input',
        '%1 conv2d(3x3, s1, p1 -> 1)(%0) [2x1x6x6] x{8}  stem',
        '%2 batchnorm(%1) [2x1x6x6] x{8}  bn',
        '%3 conv2d(1x1, s1, p0 -> 1)(%2) [2x1x6x6] x{5}  other',
        '%4 maxpool(3x3, s1, p1)(%3) [2x1x6x6] x{5}  pool',
        '%5 concat(%2, %4, %2) [2x3x6x6] x{8,5,8}  concat',
        '%6 channelslice[0..2](%5) [2x3x6x6] x{6,5,5}  slice',
        '%7 maxpool(2x2, s2, p0)(%6) [2x3x3x3] x{6,5,5}  down',
        '%8 conv2d(3x3, s1, p1 -> 1)(%7) [2x1x3x3] x{4}  mix',
        '%9 channelslice[0..0](%7) [2x1x3x3] x{4}  cut4',
        '%10 add(%8, %9) [2x1x3x3] x{4}  sum',
        '%11 maxpool(2x2, s2, p0)(%10) [2x1x1x1] x{4}  down2',
        '%12 globalavgpool(%11) [2x1] x{4}  gap',
        '%13 linear(-> 1)(%12) [2x1] x{3}  fc  <- output',
      ].join('\n'),
    )
  })

  test('should give the full-width outputs bit for bit on the typed-array kernels', () => {
    const graph = groupedGraph()
    const input = Float32Array.from({ length: 2 * 3 * 36 }, (_, i) => Math.sin(i * 0.7) + 0.3 * Math.cos(i * 0.13))
    const collapsed = collapseGraph(graph, { inputPartition: [1, 1, 1] })
    const out = collapsed.nodes[collapsed.output]
    for (const w of [1e-3, 0.5, 1, 7]) {
      const full = runGraphTs(graph, input, w)
      const fromCollapsed = expandOutput(runGraphTs(collapsed, collapseInput(input, [2, 3, 6, 6], [1, 1, 1]), w), out.shape, out.channelMultiplicity)
      expect(Array.from(fromCollapsed)).toEqual(Array.from(full))
    }
  })
})
