import { describe, expect, test } from 'vitest'
import { runGraphTs } from '../../../src/main/core/backends/ts/interpreter.ts'
import type { Graph } from '../../../src/main/core/ir/graph.ts'
import { validateGraph } from '../../../src/main/core/ir/index.ts'
import { buildNatsSssNetwork } from '../../../src/main/core/spaces/natssss/index.ts'
import { getSpace } from '../../../src/main/core/spaces/registry.ts'
import { greySource } from '../../../src/main/data/index.ts'
import { DATASETS, type DatasetId } from '../../../src/shared/types.ts'

/** Trainable parameters as PyTorch counts them: conv kernels (no bias), BN gamma and beta, linear weights and bias. */
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

function network(arch: string, dataset: DatasetId, batchSize = 2): Graph {
  const { classes, imageSize } = DATASETS[dataset]
  return buildNatsSssNetwork(arch, { batchSize, imageSize, classes })
}

describe('NATS-Bench size network (xautodl DynamicShapeTinyNet, infer.shape.tiny)', () => {
  // Published: the `params` field (millions) of the benchmark's records for these archs, in
  // NATS-sss-v1_0-50262-simple (000000, 000011, 000284 are in the NATS-Bench repository's fixture).
  // The last two are not published there: they are the count of the official module definitions
  // (stem conv+BN; InferCell with ReLUConvBN edges and FactorizedReduce skip when C_in != C_out;
  // ResNetBasicblock with avg-pool + 1x1-conv shortcut; BN; linear), worked out by hand.
  test.each([
    ['8:8:8:8:8', 11_714, 12_524, 12_704],
    ['8:8:8:16:32', 49_202, 52_172, 52_832],
    ['8:8:40:32:40', 144_834, 148_524, 149_344],
    ['64:64:64:64:64', 713_674, 719_524, 720_824],
    ['64:8:56:16:24', 321_162, 323_412, 323_912],
  ])('should have the benchmark parameter count of %s on cifar10, cifar100, ImageNet16-120', (arch, cifar10, cifar100, imagenet) => {
    expect(trainableParameters(network(arch, 'cifar10'))).toBe(cifar10)
    expect(trainableParameters(network(arch, 'cifar100'))).toBe(cifar100)
    expect(trainableParameters(network(arch, 'ImageNet16-120'))).toBe(imagenet)
  })

  test('should downsample twice and end in [batch, classes], a valid graph', () => {
    for (const dataset of ['cifar10', 'ImageNet16-120'] as const) {
      const graph = network('8:16:24:32:40', dataset, 4)
      expect(() => validateGraph(graph)).not.toThrow()
      const size = DATASETS[dataset].imageSize
      const widths = graph.nodes.filter((n) => n.op.kind === 'add' && n.label.endsWith('node3.sum')).map((n) => n.shape)
      expect(widths).toEqual([
        [4, 8, size, size],
        [4, 24, size / 2, size / 2],
        [4, 40, size / 4, size / 4],
      ])
      expect(graph.nodes[graph.output].shape).toEqual([4, DATASETS[dataset].classes])
    }
  })

  test('should make skip_connect a 1x1 conv + BN without ReLU exactly where the cell changes width', () => {
    const skipConvs = (arch: string): string[] =>
      network(arch, 'cifar10')
        .nodes.filter((n) => n.op.kind === 'conv2d' && n.label.includes('node3.edge0'))
        .map((n) => n.label)
    expect(skipConvs('16:16:16:16:16')).toEqual([])
    // Cell 0 never changes width (the stem gives it C1); cell 2 maps C2 -> C3, cell 4 maps C4 -> C5.
    expect(skipConvs('16:32:48:48:48')).toEqual([expect.stringContaining('cell2.')])
    expect(skipConvs('16:16:16:32:48')).toEqual([expect.stringContaining('cell4.')])
    const graph = network('16:16:16:32:48', 'cifar10')
    const conv = graph.nodes.find((n) => n.op.kind === 'conv2d' && n.label.includes('cell4.') && n.label.includes('node3.edge0'))
    expect(conv?.op).toEqual({ kind: 'conv2d', outChannels: 48, kernel: 1, stride: 1, pad: 0 })
    expect(graph.nodes[conv?.inputs[0] ?? -1].op.kind).not.toBe('relu')
  })

  test('should build the same network for both forms (there is nothing to prune) and run on grey input', async () => {
    const space = getSpace('natssss')
    const literal = space.buildNetwork('8:16:24:32:40', { dataset: 'cifar10', batchSize: 4, form: 'literal' })
    const pruned = space.buildNetwork('8:16:24:32:40', { dataset: 'cifar10', batchSize: 4, form: 'pruned' })
    expect(pruned).toEqual(literal)
    const input = (await greySource.load([4, 3, 32, 32], 0)).data
    const out = runGraphTs(literal, input, 1)
    expect(out).toHaveLength(40)
    expect(Array.from(out).every(Number.isFinite)).toBe(true)
  })
})
