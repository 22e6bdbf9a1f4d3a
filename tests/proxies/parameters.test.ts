import { describe, expect, it } from 'vitest'
import { getSpace } from '../../src/main/core/spaces/registry.ts'
import { countParameters } from '../../src/main/core/ir/parameters.ts'
import { initialiseParameters } from '../../src/main/proxies/parameters.ts'
import { multiplyAccumulates } from '../../src/main/proxies/flops.ts'
import { withDatasetClassifier } from '../../src/main/proxies/classifier.ts'

const ARCH = '|none~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_3x3~1|none~2|'
const graph = () => getSpace('nb201').buildNetwork(ARCH, { dataset: 'cifar10', batchSize: 2, form: 'literal' })

/** PyTorch's default init (kaiming_uniform a = sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and nn.Linear's bias. */
describe('the proxies\' random initialisation', () => {
  it('draws every weight inside +-1/sqrt(fan_in), with the uniform variance bound^2 / 3', () => {
    const { layers } = initialiseParameters(graph(), 0)
    for (const layer of layers) {
      const fanIn = layer.weightShape.slice(1).reduce((a, b) => a * b, 1)
      const bound = 1 / Math.sqrt(fanIn)
      expect(Math.max(...layer.weight.map(Math.abs))).toBeLessThanOrEqual(bound)
      if (layer.weight.length >= 2000) {
        const meanSquare = layer.weight.reduce((sum, w) => sum + w * w, 0) / layer.weight.length
        expect(Math.abs(meanSquare / (bound * bound / 3) - 1)).toBeLessThan(0.1)
      }
      expect(layer.bias === null).toBe(layer.kind === 'conv')
    }
  })

  it('is fixed by its seed: the same seed the same values, another seed others', () => {
    const first = initialiseParameters(graph(), 7).layers
    expect(initialiseParameters(graph(), 7).layers.map((l) => [...l.weight])).toEqual(first.map((l) => [...l.weight]))
    expect([...initialiseParameters(graph(), 8).layers[0].weight]).not.toEqual([...first[0].weight])
  })

  it('holds as many values as the network has conv and linear parameters (Suite-Zero params 0.316346 M)', () => {
    const { layers } = initialiseParameters(graph(), 0)
    const stored = layers.reduce((sum, l) => sum + l.weight.length + (l.bias?.length ?? 0), 0)
    const batchnorm = graph().nodes.filter((n) => n.op.kind === 'batchnorm').reduce((sum, n) => sum + 2 * n.shape[1], 0)
    expect(stored + batchnorm).toBe(countParameters(graph()))
    expect(countParameters(graph())).toBe(316346)
  })

  it('flops: multiply-accumulates of one image, the same for any batch size', () => {
    const two = multiplyAccumulates(graph())
    const eight = multiplyAccumulates(getSpace('nb201').buildNetwork(ARCH, { dataset: 'cifar10', batchSize: 8, form: 'literal' }))
    expect(two).toBe(eight)
    // Stem 3->16 3x3 on 32x32: 16*1024*27; the cells' one conv3x3 16->16 each... checked against the sum of layers:
    expect(two).toBe(43172480)
  })

  it('NB101 gets the benchmark\'s 10-class classifier back (its epsilon network has 1 output): params as the space counts them', () => {
    const spec = '{"matrix":[[0,1,1,0,0,0,1],[0,0,0,1,0,0,0],[0,0,0,0,1,0,0],[0,0,0,0,0,1,0],[0,0,0,0,0,1,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0]],"ops":["input","conv3x3-bn-relu","conv1x1-bn-relu","maxpool3x3","conv3x3-bn-relu","conv1x1-bn-relu","output"]}'
    const nb101 = getSpace('nb101')
    const scored = nb101.buildNetwork(spec, { dataset: 'cifar10', batchSize: 2, form: 'literal' })
    const network = withDatasetClassifier(scored, 10)
    expect(network.nodes[network.output].shape).toEqual([2, 10])
    expect(countParameters(network)).toBe(nb101.parameterCount(spec, 'cifar10'))
    // NB201 already has its classes: the graph is returned as it is.
    expect(withDatasetClassifier(graph(), 10).nodes).toHaveLength(graph().nodes.length)
  })
})
