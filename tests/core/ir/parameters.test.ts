import { describe, expect, it } from 'vitest'
import { countParameters } from '../../../src/main/core/ir/parameters.ts'
import { GraphBuilder } from '../../../src/main/core/ir/builder.ts'
import { getSpace } from '../../../src/main/core/spaces/registry.ts'
import { parseNbnlpArch } from '../../../src/main/core/spaces/nbnlp/arch.ts'
import { nbnlpParameterCount } from '../../../src/main/core/spaces/nbnlp/parameters.ts'
import { loadOnnxNetwork } from '../../../src/main/onnx/index.ts'
import { encodeOnnxModel, tinyOnnxModel } from '../../../src/main/onnx/write.ts'
import { collapseGraph } from '../../../src/main/core/passes/collapse.ts'

describe('countParameters', () => {
  it('counts bias-free convs, BatchNorm gamma and beta, linear weights with biases, and nothing else', () => {
    const b = new GraphBuilder()
    const x = b.input([1, 3, 8, 8])
    const conv = b.add({ kind: 'conv2d', outChannels: 5, kernel: 3, stride: 1, pad: 1 }, [x], 'conv')
    const bn = b.add({ kind: 'batchnorm', eps: 1e-5 }, [conv], 'bn')
    const relu = b.add({ kind: 'relu' }, [bn], 'relu')
    const pool = b.add({ kind: 'avgpool', kernel: 2, stride: 2, pad: 0, countIncludePad: true }, [relu], 'pool')
    const gap = b.add({ kind: 'globalavgpool' }, [pool], 'gap')
    const graph = b.build(b.add({ kind: 'linear', outFeatures: 7 }, [gap], 'fc'))
    // conv 3*5*9 = 135, BN 2*5 = 10, linear 5*7 + 7 = 42.
    expect(countParameters(graph)).toBe(187)
  })

  it('counts NAS-Bench-201 networks as the benchmark does (Suite-Zero params, in millions)', () => {
    const nb201 = getSpace('nb201')
    const official: Array<[string, 'cifar10' | 'cifar100' | 'ImageNet16-120', number]> = [
      ['|skip_connect~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|nor_conv_1x1~1|none~2|', 'cifar10', 615386],
      ['|skip_connect~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|nor_conv_1x1~1|none~2|', 'cifar100', 621236],
      ['|skip_connect~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|nor_conv_1x1~1|none~2|', 'ImageNet16-120', 622536],
      ['|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_3x3~0|avg_pool_3x3~1|nor_conv_1x1~2|', 'cifar10', 643386],
      ['|none~0|+|nor_conv_3x3~0|skip_connect~1|+|nor_conv_1x1~0|avg_pool_3x3~1|skip_connect~2|', 'ImageNet16-120', 351496],
    ]
    for (const [arch, dataset, params] of official) expect([arch, dataset, nb201.parameterCount(arch, dataset)]).toEqual([arch, dataset, params])
  })

  it('counts NAS-Bench-101 networks with the benchmark trained 10-class classifier (trainable_parameters)', () => {
    const nb101 = getSpace('nb101')
    const official: Array<[string, number]> = [
      ['{"matrix":[[0,1,1,1,1,1],[0,0,0,0,0,1],[0,0,0,0,0,1],[0,0,0,0,1,0],[0,0,0,0,0,1],[0,0,0,0,0,0]],"ops":["input","maxpool3x3","maxpool3x3","conv3x3-bn-relu","conv3x3-bn-relu","output"]}', 4095778],
      ['{"matrix":[[0,1,1,0,0],[0,0,0,1,1],[0,0,0,0,1],[0,0,0,0,1],[0,0,0,0,0]],"ops":["input","conv3x3-bn-relu","maxpool3x3","conv1x1-bn-relu","output"]}', 1749031],
      ['{"matrix":[[0,1,1,0,0],[0,0,0,1,1],[0,0,0,1,0],[0,0,0,0,1],[0,0,0,0,0]],"ops":["input","maxpool3x3","conv3x3-bn-relu","maxpool3x3","output"]}', 3207690],
    ]
    for (const [spec, params] of official) expect(nb101.parameterCount(spec, 'cifar10')).toBe(params)
    // The scored network has 1 output (the reference's num_labels): 9 x (512 + 1) fewer than the benchmark's.
    const scored = nb101.buildNetwork(official[0][0], { dataset: 'cifar10', batchSize: 1, form: 'literal' })
    expect(countParameters(scored)).toBe(4095778 - 9 * 513)
  })

  it('counts a width-collapsed graph as its full-width network', () => {
    const full = getSpace('nb201').buildNetwork('|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_3x3~0|avg_pool_3x3~1|nor_conv_1x1~2|', {
      dataset: 'cifar10',
      batchSize: 1,
      form: 'literal',
    })
    expect(countParameters(collapseGraph(full))).toBe(643386)
  })

  it('counts NAS-Bench-NLP models as the benchmark logs num_params (WikiText-2 logs: 33,278 tokens)', () => {
    const log = (recepie: object) => JSON.stringify({ recepie: JSON.stringify(recepie), emsize: 400, nhid: 600, nlayers: 3, tied: true })
    // log_stats_model_1005441 (num_params 16827678) and log_stats_model_1009182 (18549278; dead nodes count).
    const a = log({
      node_0: { op: 'linear', input: ['h_prev_0', 'x'] },
      node_1: { op: 'activation_sigm', input: ['node_0'] },
      node_3: { op: 'linear', input: ['h_prev_0', 'node_1'] },
      node_4: { op: 'activation_tanh', input: ['node_3'] },
      h_new_0: { op: 'elementwise_sum', input: ['node_3', 'node_4'] },
    })
    const b = log({
      node_0: { op: 'linear', input: ['x', 'h_prev_1'] },
      node_1: { op: 'activation_leaky_relu', input: ['node_0'] },
      node_2: { op: 'linear', input: ['h_prev_1', 'h_prev_0'] },
      node_4: { op: 'linear', input: ['node_1', 'x'] },
      node_5: { op: 'activation_leaky_relu', input: ['node_4'] },
      node_6: { op: 'elementwise_sum', input: ['h_new_0', 'node_0'] },
      node_7: { op: 'elementwise_sum', input: ['node_6', 'node_2'] },
      node_8: { op: 'blend', input: ['h_new_0', 'node_7', 'node_0'] },
      h_new_0: { op: 'activation_tanh', input: ['node_2'] },
      h_new_1: { op: 'elementwise_sum', input: ['node_8', 'node_5'] },
    })
    expect(nbnlpParameterCount(parseNbnlpArch(a), 33278)).toBe(16827678)
    expect(nbnlpParameterCount(parseNbnlpArch(b), 33278)).toBe(18549278)
    // On PTB (10,000 tokens): the encoder and the decoder biases shrink by 401 x 23,278.
    expect(getSpace('nbnlp').parameterCount(a, 'ptb')).toBe(16827678 - 401 * 23278)
  })

  it('counts an imported ONNX model as its initializers, less the BatchNorm running statistics', () => {
    // depth 2, width 4, 3 input channels, 10 classes: conv 4*3*9 + 4*4*9, BN 2 x (4 weights + 4 biases), Gemm 10*4 + 10.
    const network = loadOnnxNetwork(tinyOnnxModel({ depth: 2 }), 'tiny.onnx')
    expect(countParameters(network.build(1))).toBe(108 + 144 + 16 + 50)
  })

  it('leaves out imported conv biases, which the IR does not keep (every bias is 0 in the metric)', () => {
    // Folded BN: no BatchNormalization, convs with biases of 4 each; the count has the conv weights and the Gemm only.
    const network = loadOnnxNetwork(tinyOnnxModel({ depth: 2, bn: 'folded' }), 'folded.onnx', { allowFoldedBn: true })
    expect(countParameters(network.build(1))).toBe(108 + 144 + 50)
  })

  it('counts a grouped imported conv as in/groups x out x kh x kw', () => {
    const bytes = encodeOnnxModel({
      input: { name: 'input', channels: 4, height: 6, width: 6, batch: 'N' },
      initializers: { w: { dims: [8, 2, 3, 1] } },
      nodes: [
        {
          op: 'Conv',
          inputs: ['input', 'w'],
          outputs: ['y'],
          attributes: { group: { int: 2 }, kernel_shape: { ints: [3, 1] }, pads: { ints: [1, 0, 1, 0] }, strides: { ints: [1, 1] } },
        },
      ],
      outputs: [{ name: 'y', dims: ['N', 8, 6, 6] }],
    })
    const graph = loadOnnxNetwork(bytes, 'grouped.onnx').build(1)
    expect(graph.nodes.some((node) => node.op.kind === 'conv')).toBe(true)
    expect(countParameters(graph)).toBe(8 * 2 * 3 * 1)
  })
})
