import { describe, expect, test } from 'vitest'
import { runGraphTs } from '../../../src/main/core/backends/ts/interpreter.ts'
import type { Graph } from '../../../src/main/core/ir/graph.ts'
import { printGraph, validateGraph } from '../../../src/main/core/ir/index.ts'
import { buildNetwork, checkSpaceDataset, normalizeArch, prepareNetwork, shareableCanonicalKey } from '../../../src/main/core/scoring/index.ts'
import { NB101_REFERENCE_OUTPUTS, buildNb101Network, computeVertexChannels } from '../../../src/main/core/spaces/nb101/index.ts'
import { greySource, normalSource } from '../../../src/main/data/index.ts'
import { EpsinasError } from '../../../src/shared/errors.ts'
import { DIRECT, FIRST_RECORD, INCEPTION, NASLIB_EXAMPLE, TRUNCATING, text, thrown } from './fixtures.ts'

/** Trainable parameters as TF and PyTorch count them: conv kernels (no bias), BN gamma and beta, dense weights and bias. */
function trainableParameters(graph: Graph): number {
  return graph.nodes.reduce((sum, node) => {
    const inChannels = node.inputs.length > 0 ? (graph.nodes[node.inputs[0]].shape[1] ?? 0) : 0
    switch (node.op.kind) {
      case 'conv2d':
        return sum + node.op.kernel * node.op.kernel * inChannels * node.op.outChannels
      case 'batchnorm':
        return sum + 2 * node.shape[1]
      case 'linear':
        return sum + (inChannels + 1) * node.op.outFeatures
      default:
        return sum
    }
  }, 0)
}

describe('computeVertexChannels', () => {
  test('should split the output channels evenly among the vertices feeding the output', () => {
    expect(computeVertexChannels(128, 128, INCEPTION.matrix)).toEqual([128, 32, 32, 32, 32, 32, 128])
    expect(computeVertexChannels(128, 128, FIRST_RECORD.matrix)).toEqual([128, 64, 64, 64, 64, 64, 128])
  })

  test('should give the remainder to the first such vertices in vertex order', () => {
    expect(computeVertexChannels(128, 128, TRUNCATING.matrix)).toEqual([128, 43, 43, 42, 128])
    expect(computeVertexChannels(128, 256, TRUNCATING.matrix)).toEqual([128, 86, 85, 85, 256])
  })

  test('should give every other vertex the largest count among the vertices it feeds', () => {
    // 1 -> {2, 4}, 3 -> 4 only: vertices 2, 4, 5 feed the output (43, 43, 42).
    const matrix = [
      [0, 1, 0, 1, 0, 1, 0],
      [0, 0, 1, 0, 1, 0, 0],
      [0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 1, 0, 0],
      [0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0, 0],
    ]
    expect(computeVertexChannels(128, 128, matrix)).toEqual([128, 43, 43, 43, 43, 42, 128])
  })

  test('should leave input and output alone for the two-vertex spec', () => {
    expect(computeVertexChannels(64, 128, DIRECT.matrix)).toEqual([64, 128])
  })
})

describe('buildNb101Network', () => {
  test.each([
    ['the README Inception-like cell', INCEPTION, 2_694_282],
    ['the first record of the benchmark', FIRST_RECORD, 8_555_530],
    ['the NASLib example record', NASLIB_EXAMPLE, 3_468_426],
  ])('should have the published trainable-parameter count of %s with 10 classes (same channels as the official builder)', (_, spec, count) => {
    const graph = buildNb101Network(text(spec), { batchSize: 2, classes: 10 })
    validateGraph(graph)
    expect(trainableParameters(graph)).toBe(count)
  })

  test('should build stem, 3 stacks of 3 cells with max-pool 2x2 between them, global pool and the classifier', () => {
    const graph = buildNb101Network(text(DIRECT), { batchSize: 4 })
    const kinds = graph.nodes.map((n) => `${n.label}:${n.shape.join('x')}`)
    expect(kinds.slice(0, 4)).toEqual(['input:4x3x32x32', 'stem.conv:4x128x32x32', 'stem.bn:4x128x32x32', 'stem.relu:4x128x32x32'])
    expect(kinds).toContain('stack1.downsample:4x128x16x16')
    expect(kinds).toContain('stack2.downsample:4x256x8x8')
    expect(kinds).toContain('cell8.out.project.relu:4x512x8x8')
    expect(kinds.slice(-2)).toEqual(['head.pool:4x512', `head.classifier:4x${NB101_REFERENCE_OUTPUTS}`])
    // The two-vertex cell is one ConvBnRelu 1x1 projection: 9 cells x 3 nodes.
    expect(graph.nodes.filter((n) => n.label.startsWith('cell')).length).toBe(27)
  })

  test('should follow the reference cell op for op: truncation, sum order (inner vertices, then the projection), concatenation order', () => {
    const graph = buildNb101Network(text(TRUNCATING), { batchSize: 2, imageSize: 4, stemChannels: 8, stacks: 1, cellsPerStack: 1, classes: 10 })
    expect(printGraph(graph)).toBe(
      [
        '%0 input [2x3x4x4]  input',
        '%1 conv2d(3x3, s1, p1 -> 8)(%0) [2x8x4x4]  stem.conv',
        '%2 batchnorm(%1) [2x8x4x4]  stem.bn',
        '%3 relu(%2) [2x8x4x4]  stem.relu',
        '%4 conv2d(1x1, s1, p0 -> 3)(%3) [2x3x4x4]  cell0.v1.project.conv',
        '%5 batchnorm(%4) [2x3x4x4]  cell0.v1.project.bn',
        '%6 relu(%5) [2x3x4x4]  cell0.v1.project.relu',
        '%7 conv2d(3x3, s1, p1 -> 3)(%6) [2x3x4x4]  cell0.v1.conv3x3.conv',
        '%8 batchnorm(%7) [2x3x4x4]  cell0.v1.conv3x3.bn',
        '%9 relu(%8) [2x3x4x4]  cell0.v1.conv3x3.relu',
        '%10 conv2d(1x1, s1, p0 -> 3)(%3) [2x3x4x4]  cell0.v2.project.conv',
        '%11 batchnorm(%10) [2x3x4x4]  cell0.v2.project.bn',
        '%12 relu(%11) [2x3x4x4]  cell0.v2.project.relu',
        '%13 add(%9, %12) [2x3x4x4]  cell0.v2.sum',
        '%14 maxpool(3x3, s1, p1)(%13) [2x3x4x4]  cell0.v2.maxpool3x3',
        '%15 channelslice[0..1](%9) [2x2x4x4]  cell0.v3.truncate1',
        '%16 channelslice[0..1](%14) [2x2x4x4]  cell0.v3.truncate2',
        '%17 add(%15, %16) [2x2x4x4]  cell0.v3.sum',
        '%18 conv2d(1x1, s1, p0 -> 2)(%17) [2x2x4x4]  cell0.v3.conv1x1.conv',
        '%19 batchnorm(%18) [2x2x4x4]  cell0.v3.conv1x1.bn',
        '%20 relu(%19) [2x2x4x4]  cell0.v3.conv1x1.relu',
        '%21 concat(%9, %14, %20) [2x8x4x4]  cell0.out.concat',
        '%22 globalavgpool(%21) [2x8]  head.pool',
        '%23 linear(-> 10)(%22) [2x10]  head.classifier  <- output',
      ].join('\n'),
    )
  })

  test('should add the projected cell input to the concatenation when the input feeds the output', () => {
    const skip = { matrix: [[0, 1, 1], [0, 0, 1], [0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'output'] }
    const graph = buildNb101Network(JSON.stringify(skip), { batchSize: 2, imageSize: 4, stemChannels: 8, stacks: 1, cellsPerStack: 1 })
    const sum = graph.nodes.find((n) => n.label === 'cell0.out.sum')
    // One inner vertex feeds the output: its tensor itself, then + the projection (the reference's `outputs += ...`).
    expect(sum?.inputs.map((i) => graph.nodes[i].label)).toEqual(['cell0.v1.conv3x3.relu', 'cell0.out.project.relu'])
  })

  test('should reject a malformed spec with BAD_ARCH before building anything', () => {
    expect(thrown(() => buildNb101Network('{"matrix": [[0,0],[0,0]], "ops": ["input","output"]}', { batchSize: 2 }))).toMatchObject({ code: 'BAD_ARCH' })
  })
})

describe('the nb101 space in core/scoring', () => {
  const spec = { space: 'nb101' as const, dataset: 'cifar10' as const, batchSize: 4 }

  test('normalizeArch gives the pruned spec text and buildNetwork its network', () => {
    const unpruned = { matrix: [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]], ops: ['input', 'conv1x1-bn-relu', 'maxpool3x3', 'output'] }
    expect(normalizeArch('nb101', JSON.stringify(unpruned))).toBe('{"matrix":[[0,1,0],[0,0,1],[0,0,0]],"ops":["input","conv1x1-bn-relu","output"]}')
    expect(buildNetwork(text(INCEPTION), spec, 'literal').nodes.at(-1)?.shape).toEqual([4, NB101_REFERENCE_OUTPUTS])
  })

  test('NB101 specs never share a score (isomorphic specs can differ: vertex order decides the extra channels)', () => {
    expect(shareableCanonicalKey(text(INCEPTION), spec, [1e-4, 10], 1)).toBeNull()
  })

  test('NB101 is defined on CIFAR-10 only', () => {
    expect(() => checkSpaceDataset('nb101', 'cifar10')).not.toThrow()
    for (const dataset of ['cifar100', 'ImageNet16-120'] as const) {
      const error = thrown(() => checkSpaceDataset('nb101', dataset)) as EpsinasError
      expect(error).toBeInstanceOf(EpsinasError)
      expect(error.code).toBe('BAD_ARGUMENT')
      expect(error.message).toBe(`search space nb101 is defined on cifar10 only (got --dataset ${dataset})`)
      expect(() => buildNetwork(text(INCEPTION), { ...spec, dataset }, 'literal')).toThrow(error.message)
    }
    expect(() => checkSpaceDataset('nb201', 'ImageNet16-120')).not.toThrow()
  })
})

describe('collapsed vs full-width NB101 network at the benchmark width, both on the typed-array kernels', () => {
  // As for NB201: the same kernels at both widths round to float32 once per op from float64 sums, so
  // the outputs agree bit for bit unless a value lands within ~1e-16 of a rounding boundary.
  test.each([
    ['Inception', 'grey', INCEPTION],
    ['truncating', 'normal', TRUNCATING],
    ['first record', 'normal', FIRST_RECORD],
  ] as const)('should give bit-identical outputs for the %s spec on %s input', async (_, input, s) => {
    const minibatch = await (input === 'grey' ? greySource : normalSource).load([4, 3, 32, 32], 7)
    const network = buildNb101Network(text(s), { batchSize: 4 })
    const collapsed = prepareNetwork(network, minibatch, 'collapsed')
    // At most 4 stored channels anywhere (the output concatenation of 4 vertices).
    expect(Math.max(...collapsed.graph.nodes.map((n) => n.shape[1] ?? 1))).toBeLessThanOrEqual(4)
    for (const w of [1e-4, 1e-1, 10]) {
      const c = collapsed.fullOutput(runGraphTs(collapsed.graph, collapsed.input, w))
      const f = runGraphTs(network, minibatch.data, w)
      expect(Array.from(c)).toEqual(Array.from(f))
    }
  })
})
