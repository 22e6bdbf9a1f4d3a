import { beforeAll, describe, expect, test } from 'vitest'
import { loadTfjs, runGraphTfjs, type TfjsRuntime } from '../../../src/main/core/backends/tfjs/index.ts'
import { runGraphTs } from '../../../src/main/core/backends/ts/interpreter.ts'
import { GraphBuilder, type TensorRef } from '../../../src/main/core/ir/builder.ts'
import type { Graph, Node } from '../../../src/main/core/ir/graph.ts'
import { printGraph } from '../../../src/main/core/ir/print.ts'
import { collapseGraph, collapseInput, expandOutput } from '../../../src/main/core/passes/collapse.ts'
import { eliminateCommonSubexpressions } from '../../../src/main/core/passes/cse.ts'
import { wavyInput } from '../backends/tfjs/helpers.ts'
import { expectClose, win } from './helpers.ts'

/**
 * The collapse rules of the imported ops (passes/collapse.ts): the collapsed graph must compute what
 * the full-width graph computes, on inputs whose channel partition the pass is told. Collapsed and
 * full width differ only where a sum over m identical channels becomes m times one channel's sum in
 * float64 (conv, linear) before the one float32 rounding: measured bit-identical on every graph
 * here; COLLAPSE_REL = 1e-6 (expectClose) leaves room for a last-bit difference carried through BN.
 */

const COLLAPSE_REL = 1e-6

/** A full-width NCHW batch whose channels repeat by `partition`: group g's channels are all equal. */
function partitionedInput(shape: readonly [number, number, number, number], partition: readonly number[]): Float32Array {
  const [n, c, h, w] = shape
  const plane = h * w
  const base = wavyInput(n * partition.length * plane)
  const out = new Float32Array(n * c * plane)
  for (let i = 0; i < n; i++) {
    let channel = 0
    partition.forEach((size, g) => {
      for (let k = 0; k < size; k++, channel++) out.set(base.subarray((i * partition.length + g) * plane, (i * partition.length + g + 1) * plane), (i * c + channel) * plane)
    })
  }
  return out
}

/** Full width and collapsed outputs ([N, F]) of `graph` on an input with `partition`, the collapsed one expanded. */
function bothWidths(graph: Graph, partition: readonly number[], weight: number): { full: Float32Array; collapsed: Float32Array; graph: Graph } {
  const inputNode = graph.nodes[graph.input]
  const shape = inputNode.shape as [number, number, number, number]
  const input = partitionedInput(shape, partition)
  const collapsedGraph = eliminateCommonSubexpressions(collapseGraph(graph, { inputPartition: partition }))
  const out = collapsedGraph.nodes[collapsedGraph.output]
  const collapsed = expandOutput(runGraphTs(collapsedGraph, collapseInput(input, shape, partition), weight), out.shape, out.channelMultiplicity)
  return { full: runGraphTs(graph, input, weight), collapsed, graph: collapsedGraph }
}

/** A head that brings any image to [N, 3] through the imported ops: spatialmean, flatten (H*W = 1), linear. */
function head(b: GraphBuilder, x: TensorRef): TensorRef {
  const mean = b.add({ kind: 'spatialmean' }, [x], 'head.mean')
  const flat = b.add({ kind: 'flatten' }, [mean], 'head.flatten')
  return b.add({ kind: 'linear', outFeatures: 3 }, [flat], 'head.fc')
}

const convs = (graph: Graph): Node[] => graph.nodes.filter((node) => node.op.kind === 'conv')

/** MobileNetV3-like: strided asymmetric stem, depthwise dilated, grouped, ReLU6, hardswish, residual sub. */
function mobileLike(channels: number): Graph {
  const b = new GraphBuilder()
  const x = b.input([2, channels, 9, 8])
  const stem = b.add({ kind: 'conv', outChannels: 8, groups: 1, window: win([3, 3], { stride: [2, 2], pads: [1, 1, 0, 0] }) }, [x], 'stem')
  const act = b.add({ kind: 'hardswish' }, [b.add({ kind: 'batchnorm', eps: 1e-5 }, [stem], 'stem.bn')], 'stem.act')
  const dw = b.add({ kind: 'conv', outChannels: 8, groups: 8, window: win([3, 3], { dilation: [2, 2], pads: [2, 2, 2, 2] }) }, [act], 'dw')
  const relu6 = b.add({ kind: 'clip', min: 0, max: 6 }, [b.add({ kind: 'batchnorm', eps: 1e-5 }, [dw], 'dw.bn')], 'dw.act')
  const grouped = b.add({ kind: 'conv', outChannels: 8, groups: 4, window: win([1, 3], { pads: [0, 1, 0, 1] }) }, [relu6], 'pw')
  const bn = b.add({ kind: 'batchnorm', eps: 1e-5 }, [grouped], 'pw.bn')
  const residual = b.add({ kind: 'sub' }, [bn, b.add({ kind: 'scalar', fn: 'mul', value: 0.5, scalarFirst: false }, [act], 'half')], 'residual')
  const gate = b.add({ kind: 'hardsigmoid', alpha: 1 / 6, beta: 0.5 }, [residual], 'gate')
  const padded = b.add({ kind: 'pad', pads: [0, 1, 1, 0] }, [gate], 'pad')
  const pooled = b.add({ kind: 'pool', mode: 'avg', window: win([2, 2], { stride: [2, 2] }), countIncludePad: false, ceilMode: true }, [padded], 'pool')
  return b.build(head(b, pooled))
}

describe('collapse of the imported ops', () => {
  test('should run a grey-input MobileNet-like network at one stored channel and give the full-width output', () => {
    const graph = mobileLike(3)
    for (const weight of [1e-3, 1]) {
      const { full, collapsed, graph: small } = bothWidths(graph, [3], weight)
      expectClose(collapsed, full, COLLAPSE_REL)
      // Every tensor after the stem is one stored channel (the input: one grey plane).
      expect(small.nodes.every((node) => node.shape.length !== 4 || node.shape[1] === 1), printGraph(small)).toBe(true)
    }
  })

  test('should keep a distinct-channel input distinct where it must and agree with full width', () => {
    const { full, collapsed } = bothWidths(mobileLike(3), [1, 1, 1], 0.5)
    expectClose(collapsed, full, COLLAPSE_REL)
  })

  test('should collapse a depthwise conv on a grey input to one group of all outputs, bit for bit', () => {
    const b = new GraphBuilder()
    const x = b.input([2, 3, 8, 8])
    const dw = b.add({ kind: 'conv', outChannels: 6, groups: 3, window: win([3, 3], { stride: [2, 2], pads: [0, 0, 1, 1] }) }, [x], 'dw')
    const graph = b.build(head(b, b.add({ kind: 'hardswish' }, [dw], 'act')))
    const { full, collapsed, graph: small } = bothWidths(graph, [3], 0.3)
    expect(collapsed).toEqual(full)
    const [conv] = convs(small)
    expect(conv.op).toMatchObject({ outChannels: 1, groups: 1 })
    expect(conv.channelMultiplicity).toEqual([6])
    // It reads the grey plane once (multiplicity 1: each depthwise group reads one channel).
    expect(small.nodes[conv.inputs[0]].channelMultiplicity).toEqual([1])
  })

  test('should give one output group per conv group on a distinct-channel input, and merge runs of equal groups after it', () => {
    const b = new GraphBuilder()
    const x = b.input([2, 4, 6, 6])
    const grouped = b.add({ kind: 'conv', outChannels: 6, groups: 2, window: win([3, 3], { pads: [1, 1, 1, 1] }) }, [x], 'grouped')
    // Depthwise over the 6 channels: groups 0-2 read grouped's first output group, 3-5 its second.
    const dw = b.add({ kind: 'conv', outChannels: 12, groups: 6, window: win([2, 3], { stride: [1, 2], pads: [1, 0, 0, 2] }) }, [grouped], 'dw')
    const graph = b.build(head(b, b.add({ kind: 'batchnorm', eps: 1e-5 }, [dw], 'bn')))
    const { full, collapsed, graph: small } = bothWidths(graph, [1, 1, 1, 1], 0.7)
    expect(collapsed).toEqual(full)
    const [first, second] = convs(small)
    expect(first.op).toMatchObject({ outChannels: 2, groups: 2 })
    expect(first.channelMultiplicity).toEqual([3, 3])
    expect(second.op).toMatchObject({ outChannels: 2, groups: 2 })
    expect(second.channelMultiplicity).toEqual([6, 6])
    expect(small.nodes[second.inputs[0]].channelMultiplicity).toEqual([1, 1])
  })

  test('should split a stored group that straddles conv groups so every collapsed group has as many stored channels', () => {
    // Input groups {0} and {1, 2, 3}; conv groups read channels {0, 1} and {2, 3}: one channel each of
    // both stored groups, then two of the second. Stored: [0, 1] and [1 (x1), 1 (x1)].
    const b = new GraphBuilder()
    const x = b.input([2, 4, 5, 5])
    const conv = b.add({ kind: 'conv', outChannels: 4, groups: 2, window: win([3, 3], { dilation: [1, 2], pads: [1, 2, 1, 2] }) }, [x], 'conv')
    const graph = b.build(head(b, b.add({ kind: 'batchnorm', eps: 1e-5 }, [conv], 'bn')))
    const { full, collapsed, graph: small } = bothWidths(graph, [1, 3], 2)
    expectClose(collapsed, full, COLLAPSE_REL)
    const [collapsedConv] = convs(small)
    const regroup = small.nodes[collapsedConv.inputs[0]]
    expect(regroup.op).toEqual({ kind: 'regroup', sources: [0, 1, 1, 1] })
    expect(regroup.channelMultiplicity).toEqual([1, 1, 1, 1])
    expect(collapsedConv.channelMultiplicity).toEqual([2, 2])
  })

  test('should weight a grouped conv on a grey input by the channels per group', () => {
    const b = new GraphBuilder()
    const x = b.input([1, 4, 4, 4])
    const conv = b.add({ kind: 'conv', outChannels: 4, groups: 2, window: win([2, 2]) }, [x], 'conv')
    const graph = b.build(head(b, conv))
    const { full, collapsed, graph: small } = bothWidths(graph, [4], 0.25)
    expect(collapsed).toEqual(full)
    const [collapsedConv] = convs(small)
    expect(collapsedConv.op).toMatchObject({ outChannels: 1, groups: 1 })
    expect(small.nodes[collapsedConv.inputs[0]].channelMultiplicity).toEqual([2])
  })

  test('should flatten a multi-pixel image at full width and agree with the full-width graph', () => {
    const b = new GraphBuilder()
    const x = b.input([2, 3, 3, 2])
    const conv = b.add({ kind: 'conv', outChannels: 4, groups: 1, window: win([2, 1]) }, [x], 'conv')
    const flat = b.add({ kind: 'flatten' }, [b.add({ kind: 'pool', mode: 'max', window: win([1, 1]), countIncludePad: false, ceilMode: false }, [conv], 'pool')], 'flatten')
    const graph = b.build(b.add({ kind: 'linear', outFeatures: 2 }, [flat], 'fc'))
    const { full, collapsed, graph: small } = bothWidths(graph, [3], 0.5)
    expect(collapsed).toEqual(full)
    const flatten = small.nodes.find((node) => node.op.kind === 'flatten') as Node
    // conv (1 stored channel of 4) -> pool -> regroup to 4 channels -> flatten [2, 4 * 2 * 2].
    expect(small.nodes[flatten.inputs[0]].op).toEqual({ kind: 'regroup', sources: [0, 0, 0, 0] })
    expect(flatten.shape).toEqual([2, 16])
  })

  test('should keep the partition through a crop (DARTS FactorizedReduce) and agree with full width', () => {
    // relu -> [1x1 stride-2 conv of x, 1x1 stride-2 conv of x[:, :, 1:, 1:]] -> concat -> BN (even sizes, as in DARTS).
    for (const size of [6, 8]) {
      const b = new GraphBuilder()
      const x = b.add({ kind: 'relu' }, [b.input([2, 4, size, size])], 'relu')
      const oneByOne = (input: TensorRef, label: string) => b.add({ kind: 'conv', outChannels: 3, groups: 1, window: win([1, 1], { stride: [2, 2] }) }, [input], label)
      const cropped = b.add({ kind: 'pad', pads: [-1, -1, 0, 0] }, [x], 'crop')
      const right = oneByOne(cropped, 'conv_2')
      const left = oneByOne(x, 'conv_1')
      const graph = b.build(head(b, b.add({ kind: 'batchnorm', eps: 1e-5 }, [b.add({ kind: 'concat' }, [left, right], 'cat')], 'bn')))
      for (const partition of [[4], [1, 3], [1, 1, 1, 1]]) {
        const { full, collapsed, graph: small } = bothWidths(graph, partition, 0.6)
        expectClose(collapsed, full, COLLAPSE_REL)
        const crop = small.nodes.find((node) => node.label === 'crop')
        expect(crop?.shape).toEqual([2, partition.length, size - 1, size - 1])
        expect(crop?.channelMultiplicity).toEqual(partition)
      }
    }
  })
})

describe('collapsed imported ops on TensorFlow.js', () => {
  let runtime: TfjsRuntime
  beforeAll(async () => {
    runtime = await loadTfjs('tfjs-wasm')
  })

  test('should agree with the full-width network on tfjs (multiplicities honoured by the tfjs conv)', () => {
    const graph = mobileLike(3)
    const shape = graph.nodes[graph.input].shape as [number, number, number, number]
    const input = partitionedInput(shape, [3])
    const small = collapseGraph(graph, { inputPartition: [3] })
    const out = small.nodes[small.output]
    const collapsed = expandOutput(runGraphTfjs(runtime, small, collapseInput(input, shape, [3]), 0.5), out.shape, out.channelMultiplicity)
    // Both tfjs, rounding sums in float32 in different orders: as the op agreement tests (1e-5).
    expectClose(collapsed, runGraphTfjs(runtime, graph, input, 0.5), 1e-5)
  })
})
