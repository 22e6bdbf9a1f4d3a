import { describe, expect, test } from 'vitest'
import { loadOnnxNetwork, SUPPORTED_ONNX_OPS } from '../../src/main/onnx/index.ts'
import { OnnxSketch } from '../../src/main/onnx/families/sketch.ts'
import { decodeModelProto } from '../../src/main/onnx/proto.ts'
import { encodeOnnxModel, tinyOnnxModel } from '../../src/main/onnx/write.ts'
import { EpsinasError } from '../../src/shared/errors.ts'
import { runGraphTs } from '../../src/main/core/backends/ts/interpreter.ts'
import { prepareNetwork, scorePrepared } from '../../src/main/core/scoring/index.ts'
import { greySource, normalSource } from '../../src/main/data/index.ts'
import { mappedOps, sketchOps } from './helpers.ts'

describe('the writer', () => {
  test('should write a ModelProto the official schema decodes: opset, IR version, symbolic batch, raw_data initializers', () => {
    const model = decodeModelProto(tinyOnnxModel({ opset: 17, width: 5 }))
    expect(model.ir_version).toBe(8)
    expect(model.opset_import).toEqual([{ domain: '', version: 17 }])
    const dims = model.graph?.input?.[0].type?.tensor_type?.shape?.dim
    expect(dims).toEqual([{ dim_param: 'N' }, { dim_value: 3 }, { dim_value: 8 }, { dim_value: 8 }])
    const weight = model.graph?.initializer?.find((t) => t.name === 'features.0.conv.weight')
    expect(weight?.dims).toEqual([5, 3, 3, 3])
    expect(weight?.raw_data?.length).toBe(5 * 3 * 3 * 3 * 4)
  })

  test('should give distinct bytes for distinct options (tests use them as distinct archs)', () => {
    const variants = [{}, { width: 6 }, { depth: 2 }, { imageSize: 16 }, { channels: 1 }, { classes: 3 }]
    const texts = variants.map((v) => Buffer.from(tinyOnnxModel(v)).toString('hex'))
    expect(new Set(texts).size).toBe(variants.length)
  })
})

describe('the tiny model', () => {
  test('should map Conv -> BN -> Relu -> GlobalAveragePool -> Flatten -> Gemm to the IR, with input shape and op counts', () => {
    const network = loadOnnxNetwork(tinyOnnxModel({ width: 6, imageSize: 16 }), 'tiny.onnx')
    expect(network.inputShape).toEqual([3, 16, 16])
    expect(network.opCounts).toEqual({ Conv: 1, BatchNormalization: 1, Relu: 1, GlobalAveragePool: 1, Flatten: 1, Gemm: 1 })
    expect(network.warnings).toEqual([])
    const graph = network.build(4)
    expect(graph.nodes.map((n) => n.op)).toEqual([
      { kind: 'input' },
      { kind: 'conv2d', outChannels: 6, kernel: 3, stride: 1, pad: 1 },
      { kind: 'batchnorm', eps: 1e-5 },
      { kind: 'relu' },
      { kind: 'spatialmean' },
      { kind: 'flatten' },
      { kind: 'linear', outFeatures: 10 },
    ])
    expect(graph.nodes[0].shape).toEqual([4, 3, 16, 16])
    expect(graph.nodes[graph.output].shape).toEqual([4, 10])
    expect(graph.nodes[1].label).toBe('/features.0/conv/Conv')
  })

  test('should build at any batch size when the batch axis is dynamic', () => {
    const network = loadOnnxNetwork(tinyOnnxModel(), 'tiny.onnx')
    for (const batch of [1, 3, 8, 256]) expect(network.build(batch).nodes.at(-1)?.shape).toEqual([batch, 10])
  })

  test('should refuse another batch size when the file fixes the batch axis (BAD_ARGUMENT, naming the file and the size)', () => {
    const network = loadOnnxNetwork(tinyOnnxModel({ batch: 8 }), 'fixed.onnx')
    expect(network.build(8).nodes[0].shape).toEqual([8, 3, 8, 8])
    expect(() => network.build(16)).toThrow(new EpsinasError('BAD_ARGUMENT', "fixed.onnx fixes the batch axis at 8; use --batch 8, or export with dynamic_axes={'input': {0: 'N'}}"))
  })
})

describe('BatchNormalization', () => {
  const bnOps = (form: 'training' | 'eval', opset: number) => sketchOps((s, x) => s.bn(x, form), { opset })

  test.each([
    ['training export, 5 outputs (opset 13)', 'training', 13],
    ['training export, 3 outputs and training_mode (opset 17)', 'training', 17],
    ['eval export, 1 output (opset 13)', 'eval', 13],
    ['eval export, 1 output (opset 11)', 'eval', 11],
  ] as const)('should map %s to batchnorm with batch statistics', (_, form, opset) => {
    expect(bnOps(form, opset)).toEqual([{ kind: 'batchnorm', eps: 1e-5 }])
  })

  test('should read BN on [N, F] (BatchNorm1d after a flatten)', () => {
    expect(sketchOps((s, x) => s.bn(s.flatten(s.globalAveragePool(x))))).toEqual([{ kind: 'spatialmean' }, { kind: 'flatten' }, { kind: 'batchnorm', eps: 1e-5 }])
  })
})

describe('Conv', () => {
  test.each([
    ['square symmetric group-1 -> conv2d', { out: 6, kernel: 3 }, { kind: 'conv2d', outChannels: 6, kernel: 3, stride: 1, pad: 1 }],
    ['1x1 stride 2 -> conv2d', { out: 6, kernel: 1, stride: 2 }, { kind: 'conv2d', outChannels: 6, kernel: 1, stride: 2, pad: 0 }],
    [
      'asymmetric pads -> conv',
      { out: 6, kernel: 3, pads: [0, 1, 2, 1] as [number, number, number, number] },
      { kind: 'conv', outChannels: 6, groups: 1, window: { kernel: [3, 3], stride: [1, 1], dilation: [1, 1], pads: [0, 1, 2, 1] } },
    ],
    ['depthwise -> conv groups = channels', { out: 4, kernel: 3, group: 4 }, { kind: 'conv', outChannels: 4, groups: 4, window: { kernel: [3, 3], stride: [1, 1], dilation: [1, 1], pads: [1, 1, 1, 1] } }],
    ['grouped with channel multiplier', { out: 8, kernel: 1, group: 2 }, { kind: 'conv', outChannels: 8, groups: 2, window: { kernel: [1, 1], stride: [1, 1], dilation: [1, 1], pads: [0, 0, 0, 0] } }],
    ['dilated', { out: 4, kernel: 3, dilation: 2 }, { kind: 'conv', outChannels: 4, groups: 1, window: { kernel: [3, 3], stride: [1, 1], dilation: [2, 2], pads: [2, 2, 2, 2] } }],
    [
      'rectangular kernel and strides',
      { out: 4, kernel: [1, 3] as [number, number], stride: [2, 1] as [number, number] },
      { kind: 'conv', outChannels: 4, groups: 1, window: { kernel: [1, 3], stride: [2, 1], dilation: [1, 1], pads: [0, 1, 0, 1] } },
    ],
    ['auto_pad SAME_UPPER, stride 2 (odd pad at the end)', { out: 4, kernel: 3, stride: 2, autoPad: 'SAME_UPPER' as const }, { kind: 'conv', outChannels: 4, groups: 1, window: { kernel: [3, 3], stride: [2, 2], dilation: [1, 1], pads: [0, 0, 1, 1] } }],
    ['auto_pad SAME_LOWER, stride 2 (odd pad at the start)', { out: 4, kernel: 3, stride: 2, autoPad: 'SAME_LOWER' as const }, { kind: 'conv', outChannels: 4, groups: 1, window: { kernel: [3, 3], stride: [2, 2], dilation: [1, 1], pads: [1, 1, 0, 0] } }],
    ['auto_pad SAME_UPPER, stride 1 (symmetric: conv2d)', { out: 4, kernel: 3, autoPad: 'SAME_UPPER' as const }, { kind: 'conv2d', outChannels: 4, kernel: 3, stride: 1, pad: 1 }],
    ['auto_pad VALID', { out: 4, kernel: 3, stride: 2, autoPad: 'VALID' as const }, { kind: 'conv2d', outChannels: 4, kernel: 3, stride: 2, pad: 0 }],
  ])('%s', (_, options, op) => {
    expect(sketchOps((s, x) => s.conv(x, options))).toEqual([op])
  })

  test('should give SAME_UPPER/SAME_LOWER/VALID outputs of the ONNX sizes (8 px, kernel 3, stride 2: 4, 4, 3)', () => {
    for (const [autoPad, size] of [['SAME_UPPER', 4], ['SAME_LOWER', 4], ['VALID', 3]] as const) {
      const s = new OnnxSketch(4, 8)
      const graph = loadOnnxNetwork(s.encode(s.conv(s.input, { out: 4, kernel: 3, stride: 2, autoPad })), 'm.onnx').build(2)
      expect(graph.nodes[graph.output].shape).toEqual([2, 4, size, size])
    }
  })
})

describe('activations and elementwise ops', () => {
  test.each([
    ['relu', { kind: 'relu' }],
    ['relu6', { kind: 'clip', min: 0, max: 6 }],
    ['leakyrelu', { kind: 'leakyrelu', slope: Math.fround(0.01) }],
    ['sigmoid', { kind: 'sigmoid' }],
    ['tanh', { kind: 'tanh' }],
    ['hardsigmoid', { kind: 'hardsigmoid', alpha: Math.fround(1 / 6), beta: 0.5 }],
    ['hardswish', { kind: 'hardswish' }],
  ] as const)('%s', (kind, op) => {
    expect(sketchOps((s, x) => s.act(x, kind))).toEqual([op])
  })

  test.each([11, 13, 17, 20])('Clip with min/max as Constant inputs (opset %i)', (opset) => {
    expect(sketchOps((s, x) => s.clip(x, 0, 6), { opset })).toEqual([{ kind: 'clip', min: 0, max: 6 }])
  })

  test('Clip with min/max as attributes (opset 10) and with an omitted max input (opset 13)', () => {
    expect(sketchOps((s, x) => s.clip(x, -1, 2), { opset: 10 })).toEqual([{ kind: 'clip', min: -1, max: 2 }])
    expect(sketchOps((s, x) => s.node('Clip', [x.name, s.constant([0.5], [])], x.dims))).toEqual([{ kind: 'clip', min: 0.5, max: Infinity }])
  })

  test('Add, Sub, Mul of same-shaped tensors; Mul/Add/Sub/Div with a scalar constant', () => {
    expect(sketchOps((s, x) => s.binary('Add', s.act(x, 'relu'), x))).toEqual([{ kind: 'relu' }, { kind: 'add' }])
    expect(sketchOps((s, x) => s.binary('Sub', x, s.act(x, 'tanh')))).toEqual([{ kind: 'tanh' }, { kind: 'sub' }])
    expect(sketchOps((s, x) => s.binary('Mul', x, s.act(x, 'sigmoid')))).toEqual([{ kind: 'sigmoid' }, { kind: 'mul' }])
    expect(sketchOps((s, x) => s.scalar('Mul', x, 0.5))).toEqual([{ kind: 'scalar', fn: 'mul', value: 0.5, scalarFirst: false }])
    expect(sketchOps((s, x) => s.scalar('Div', x, 6))).toEqual([{ kind: 'scalar', fn: 'div', value: 6, scalarFirst: false }])
    expect(sketchOps((s, x) => s.scalar('Sub', x, 1, true))).toEqual([{ kind: 'scalar', fn: 'sub', value: 1, scalarFirst: true }])
    expect(sketchOps((s, x) => s.scalar('Add', x, 3))).toEqual([{ kind: 'scalar', fn: 'add', value: 3, scalarFirst: false }])
  })
})

describe('channels: Concat, Split, Slice', () => {
  test('Concat along the channels', () => {
    expect(sketchOps((s, x) => s.concat([x, s.act(x, 'relu')]))).toEqual([{ kind: 'relu' }, { kind: 'concat' }])
  })

  test.each([
    ['split sizes as an input (opset 13)', 13, 'input'],
    ['split sizes as an attribute (opset 11)', 11, 'attribute'],
    ['equal parts, no sizes (opset 13)', 13, 'none'],
  ] as const)('Split: %s', (_, opset, form) => {
    const ops = sketchOps(
      (s, x) => {
        const inputs = form === 'input' ? [x.name, s.constant([1, 3], [2], 'int64')] : [x.name]
        const attributes = { axis: { int: 1 }, ...(form === 'attribute' ? { split: { ints: [1, 3] } } : {}) }
        const first = s.node('Split', inputs, [form === 'none' ? 2 : 1, 8, 8], attributes, 1)
        const secondName = first.name.replace(/_output_0$/, '_output_1')
        return s.concat([{ name: secondName, dims: [form === 'none' ? 2 : 3, 8, 8] }, first])
      },
      { opset },
    )
    const [a, b] = form === 'none' ? [2, 2] : [1, 3]
    expect(ops).toEqual([{ kind: 'channelslice', start: 0, size: a }, { kind: 'channelslice', start: a, size: b }, { kind: 'concat' }])
  })

  test('Slice on the channels (inputs, negative end) and full-range slices elsewhere', () => {
    const ops = sketchOps((s, x) =>
      s.node('Slice', [x.name, s.constant([0, 1], [2], 'int64'), s.constant([2 ** 62, -1], [2], 'int64'), s.constant([0, 1], [2], 'int64')], [2, 8, 8]),
    )
    expect(ops).toEqual([{ kind: 'channelslice', start: 1, size: 2 }])
  })
})

describe('pooling and heads', () => {
  test('MaxPool / AveragePool: square windows map to the narrow ops; ceil_mode and asymmetric ones to pool', () => {
    expect(sketchOps((s, x) => s.pool('MaxPool', x, { kernel: 3, stride: 1, pads: [1, 1, 1, 1] }))).toEqual([{ kind: 'maxpool', kernel: 3, stride: 1, pad: 1 }])
    expect(sketchOps((s, x) => s.pool('AveragePool', x, { kernel: 3, pads: [1, 1, 1, 1], countIncludePad: false }))).toEqual([{ kind: 'avgpool', kernel: 3, stride: 1, pad: 1, countIncludePad: false }])
    expect(sketchOps((s, x) => s.pool('AveragePool', x, { kernel: 2, stride: 2, countIncludePad: true }))).toEqual([{ kind: 'avgpool', kernel: 2, stride: 2, pad: 0, countIncludePad: true }])
    expect(sketchOps((s, x) => s.pool('MaxPool', x, { kernel: 3, stride: 2, ceilMode: true }), { size: 8 })).toEqual([
      { kind: 'pool', mode: 'max', window: { kernel: [3, 3], stride: [2, 2], dilation: [1, 1], pads: [0, 0, 0, 0] }, countIncludePad: false, ceilMode: true },
    ])
    expect(sketchOps((s, x) => s.pool('AveragePool', x, { kernel: [2, 3], stride: 1, pads: [0, 1, 1, 1], countIncludePad: true }))).toEqual([
      { kind: 'pool', mode: 'avg', window: { kernel: [2, 3], stride: [1, 1], dilation: [1, 1], pads: [0, 1, 1, 1] }, countIncludePad: true, ceilMode: false },
    ])
  })

  test('GlobalAveragePool, GlobalMaxPool, ReduceMean (keepdims 1 and 0, axes as attribute and as input)', () => {
    expect(sketchOps((s, x) => s.globalAveragePool(x))).toEqual([{ kind: 'spatialmean' }])
    expect(sketchOps((s, x) => s.node('GlobalMaxPool', [x.name], [x.dims[0], 1, 1]))).toEqual([
      { kind: 'pool', mode: 'max', window: { kernel: [8, 8], stride: [1, 1], dilation: [1, 1], pads: [0, 0, 0, 0] }, countIncludePad: false, ceilMode: false },
    ])
    expect(sketchOps((s, x) => s.reduceMean(x, true))).toEqual([{ kind: 'spatialmean' }])
    expect(sketchOps((s, x) => s.reduceMean(x, false))).toEqual([{ kind: 'globalavgpool' }])
    expect(sketchOps((s, x) => s.reduceMean(x, false), { opset: 18 })).toEqual([{ kind: 'globalavgpool' }])
  })

  test('Flatten, Squeeze of 1x1 axes, Gemm, MatMul (+ its bias Add), Identity, Dropout', () => {
    expect(sketchOps((s, x) => s.gemm(s.flatten(x), 5))).toEqual([{ kind: 'flatten' }, { kind: 'linear', outFeatures: 5 }])
    const squeezed = sketchOps((s, x) => s.node('Squeeze', [s.globalAveragePool(x).name, s.constant([2, 3], [2], 'int64')], [x.dims[0]]))
    expect(squeezed).toEqual([{ kind: 'spatialmean' }, { kind: 'flatten' }])
    const head = sketchOps((s, x) => {
      const fc = s.matmul(s.reduceMean(x, false), 3)
      const biased = s.node('Add', [fc.name, s.initializer({ dims: [3] })], fc.dims)
      return s.node('Dropout', [s.node('Identity', [biased.name], biased.dims).name], biased.dims, {}, 1)
    })
    expect(head).toEqual([{ kind: 'globalavgpool' }, { kind: 'linear', outFeatures: 3 }])
  })

  test.each([1, 2, 7, 32])("x.view(x.size(0), -1) (Shape/Gather/Unsqueeze/Concat/Reshape) -> flatten at batch %i", (batch) => {
    const s = new OnnxSketch(4, 4)
    const network = loadOnnxNetwork(s.encode(s.gemm(s.viewFlatten(s.conv(s.input, { out: 3, kernel: 3 })), 2)), 'view.onnx')
    const graph = network.build(batch)
    expect(graph.nodes.slice(1).map((n) => n.op.kind)).toEqual(['conv2d', 'flatten', 'linear'])
    expect(graph.nodes[2].shape).toEqual([batch, 48])
    expect(network.opCounts).toMatchObject({ Shape: 1, Gather: 1, Unsqueeze: 1, Concat: 1, Reshape: 1, Constant: 3 })
  })

  test('x.view(x.size(0), -1) at opset 11 (Unsqueeze axes attribute) and a constant [-1, F] target', () => {
    expect(sketchOps((s, x) => s.viewFlatten(x), { opset: 11 })).toEqual([{ kind: 'flatten' }])
    expect(sketchOps((s, x) => s.node('Reshape', [x.name, s.constant([-1, 256], [2], 'int64')], [256]))).toEqual([{ kind: 'flatten' }])
  })

  test('Pad with zeros on H and W (pads as an input, and as an attribute at opset 10)', () => {
    expect(sketchOps((s, x) => s.node('Pad', [x.name, s.constant([0, 0, 1, 2, 0, 0, 3, 0], [8], 'int64')], x.dims))).toEqual([{ kind: 'pad', pads: [1, 2, 3, 0] }])
    expect(sketchOps((s, x) => s.node('Pad', [x.name], x.dims, { pads: { ints: [0, 0, 1, 1, 0, 0, 1, 1] } }), { opset: 10 })).toEqual([{ kind: 'pad', pads: [1, 1, 1, 1] }])
  })

  test("F.pad's padding arithmetic as torch exports it at opset 11+ (Shape, Gather, Mul, Sub, ConstantOfShape, Concat, Reshape, reversed Slice, Transpose, Cast) evaluates statically", () => {
    const ops = sketchOps((s, x) => {
      // F.pad(x, (1, 2, 3, 0)): torch's _prepare_onnx_paddings with do_constant_folding=False.
      const pad = s.constant([1, 2, 3, 0], [4], 'int64')
      const padLength = s.node('Gather', [s.node('Shape', [pad], [1]).name, s.constant([0], [], 'int64')], [], { axis: { int: 0 } })
      const extension = s.node('Sub', [s.node('Mul', [s.constant([4], [], 'int64'), s.constant([2], [], 'int64')], []).name, padLength.name], [])
      const zeros = s.node('ConstantOfShape', [s.node('Unsqueeze', [extension.name, s.constant([0], [1], 'int64')], [1]).name], [4], { value: { tensor: { dims: [1], dataType: 'int64', values: [0] } } })
      const paddings = s.node('Concat', [s.node('Cast', [pad], [4], { to: { int: 7 } }).name, zeros.name], [8], { axis: { int: 0 } })
      const pairs = s.node('Reshape', [paddings.name, s.constant([-1, 2], [2], 'int64')], [4, 2])
      const flipped = s.node('Slice', [pairs.name, s.constant([-1], [1], 'int64'), s.constant([-(2 ** 62)], [1], 'int64'), s.constant([0], [1], 'int64'), s.constant([-1], [1], 'int64')], [4, 2])
      const transposed = s.node('Transpose', [flipped.name], [2, 4], { perm: { ints: [1, 0] } })
      const flat = s.node('Cast', [s.node('Reshape', [transposed.name, s.constant([-1], [1], 'int64')], [8]).name], [8], { to: { int: 7 } })
      return s.node('Pad', [x.name, flat.name, s.constant([0], [], 'float')], [x.dims[0], x.dims[1] + 3, x.dims[2] + 3], { mode: { string: 'constant' } })
    })
    expect(ops).toEqual([{ kind: 'pad', pads: [3, 1, 0, 2] }])
  })

  test('unused side branches (a Split part nobody reads) do not reach the IR', () => {
    const ops = sketchOps((s, x) => s.node('Split', [x.name, s.constant([1, 3], [2], 'int64')], [1, 8, 8], { axis: { int: 1 } }, 1))
    expect(ops).toEqual([{ kind: 'channelslice', start: 0, size: 1 }])
  })
})

describe('H/W crops: Slice and negative Pad map to pad with negative pads', () => {
  /** INT64_MAX, as torch writes the open end of x[:, :, 1:, 1:] (the writer saturates 2 ** 63 to it). */
  const END = 2 ** 63

  /**
   * DARTS's FactorizedReduce: relu -> cat([conv_1(x), conv_2(x[:, :, 1:, 1:])], dim=1) -> BN, both
   * convs 1x1 stride 2 without pads, then a GAP/Gemm head. torch.onnx.export writes the slice as
   * Slice(x, starts [1, 1], ends [INT64_MAX, INT64_MAX], axes [2, 3], steps [1, 1]).
   */
  function factorizedReduce(opset: number): Uint8Array {
    const s = new OnnxSketch(4, 8, opset)
    const x = s.act(s.input, 'relu')
    const slice = s.node('Slice', [x.name, s.constant([1, 1], [2], 'int64'), s.constant([END, END], [2], 'int64'), s.constant([2, 3], [2], 'int64'), s.constant([1, 1], [2], 'int64')], [4, 7, 7])
    const conv1 = s.conv(x, { out: 3, kernel: 1, stride: 2, pads: [0, 0, 0, 0] })
    const conv2 = s.conv(slice, { out: 3, kernel: 1, stride: 2, pads: [0, 0, 0, 0] })
    return s.encode(s.gemm(s.flatten(s.globalAveragePool(s.bn(s.concat([conv1, conv2])))), 5))
  }

  test.each([11, 17])("x[:, :, 1:, 1:] in DARTS's FactorizedReduce (opset %i): pad [-1, -1, 0, 0], IR shapes, epsilon collapsed = full width", async (opset) => {
    const graph = loadOnnxNetwork(factorizedReduce(opset), 'darts.onnx').build(4)
    expect(graph.nodes.map((n) => [n.op.kind, n.shape])).toEqual([
      ['input', [4, 4, 8, 8]],
      ['relu', [4, 4, 8, 8]],
      ['pad', [4, 4, 7, 7]],
      ['conv2d', [4, 3, 4, 4]],
      ['conv2d', [4, 3, 4, 4]],
      ['concat', [4, 6, 4, 4]],
      ['batchnorm', [4, 6, 4, 4]],
      ['spatialmean', [4, 6, 1, 1]],
      ['flatten', [4, 6]],
      ['linear', [4, 5]],
    ])
    expect(graph.nodes[2].op).toEqual({ kind: 'pad', pads: [-1, -1, 0, 0] })
    for (const source of [greySource, normalSource]) {
      const minibatch = await source.load([4, 4, 8, 8], 0)
      const collapsed = prepareNetwork(graph, minibatch, 'collapsed')
      const full = prepareNetwork(graph, minibatch, 'full')
      for (const pair of [[1e-3, 1e-1], [1e-1, 10]] as const) {
        const a = scorePrepared(collapsed, pair, runGraphTs)
        const b = scorePrepared(full, pair, runGraphTs)
        expect(Number.isFinite(b.value), `${source.id} [${pair}]`).toBe(true)
        expect(Math.abs(a.value - b.value), `${source.id} [${pair}]: collapsed ${a.value} vs full ${b.value}`).toBeLessThanOrEqual(1e-6 * Math.abs(b.value))
      }
      // On grey input the collapsed graph crops one stored channel.
      if (source === greySource) expect(collapsed.graph.nodes.find((n) => n.op.kind === 'pad')?.shape).toEqual([4, 1, 7, 7])
    }
  })

  test('Slice of C, H and W together: a channel slice, then a crop (negative starts, ends past the dim, INT64_MAX)', () => {
    const ops = sketchOps((s, x) =>
      s.node('Slice', [x.name, s.constant([1, -3, 0], [3], 'int64'), s.constant([3, END, -1], [3], 'int64'), s.constant([1, 2, -1], [3], 'int64')], [2, 3, 7]),
    )
    expect(ops).toEqual([{ kind: 'channelslice', start: 1, size: 2 }, { kind: 'pad', pads: [-5, 0, 0, -1] }])
    // Ends past the dim clamp to it; a full-range slice of H/W adds nothing.
    expect(sketchOps((s, x) => s.node('Slice', [x.name, s.constant([0, 2], [2], 'int64'), s.constant([100, 6], [2], 'int64'), s.constant([2, 3], [2], 'int64')], [4, 8, 4]))).toEqual([
      { kind: 'pad', pads: [0, -2, 0, -2] },
    ])
    expect(sketchOps((s, x) => s.node('Slice', [x.name, s.constant([0], [1], 'int64'), s.constant([END], [1], 'int64'), s.constant([2], [1], 'int64')], x.dims))).toEqual([])
    // A step that picks a single row picks a run of consecutive rows: still a crop.
    expect(sketchOps((s, x) => s.node('Slice', [x.name, s.constant([3], [1], 'int64'), s.constant([5], [1], 'int64'), s.constant([2], [1], 'int64'), s.constant([2], [1], 'int64')], [4, 1, 8]))).toEqual([
      { kind: 'pad', pads: [-3, 0, -4, 0] },
    ])
    // Attributes (opset 9).
    expect(sketchOps((s, x) => s.node('Slice', [x.name], [4, 7, 8], { starts: { ints: [1] }, ends: { ints: [8] }, axes: { ints: [2] } }), { opset: 9 })).toEqual([{ kind: 'pad', pads: [-1, 0, 0, 0] }])
  })

  test('Pad with negative pads crops, mixed with zero padding per side', () => {
    expect(sketchOps((s, x) => s.node('Pad', [x.name, s.constant([0, 0, -1, 2, 0, 0, 1, -3], [8], 'int64')], [4, 8, 7]))).toEqual([{ kind: 'pad', pads: [-1, 2, 1, -3] }])
  })
})

test('SUPPORTED_ONNX_OPS should list the mapped op types in order', () => {
  expect(SUPPORTED_ONNX_OPS).toEqual([...SUPPORTED_ONNX_OPS].sort())
  for (const op of ['Conv', 'BatchNormalization', 'Clip', 'HardSwish', 'Split', 'Slice', 'ReduceMean', 'Gemm', 'MatMul', 'Pad', 'Shape', 'Gather', 'Unsqueeze']) {
    expect(SUPPORTED_ONNX_OPS).toContain(op)
  }
  expect(mappedOps(encodeOnnxModel({ nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }], input: { name: 'x', channels: 1, height: 2, width: 2, batch: 'N' }, outputs: [{ name: 'y' }] }))).toEqual([])
})

describe('numbers of imported networks (typed-array kernels)', () => {
  const input = Float32Array.from({ length: 2 * 4 * 4 * 4 }, (_, i) => Math.sin(i * 0.7) + (i % 5) * 0.1)

  function run(bytes: Uint8Array, weight: number): Float32Array {
    return runGraphTs(loadOnnxNetwork(bytes, 'm.onnx').build(2), input, weight)
  }

  test('the same head exported four ways gives the same outputs (GAP + Flatten + Gemm, ReduceMean + Gemm, ReduceMean keepdims + Squeeze, view + MatMul)', () => {
    const heads = [
      (s: OnnxSketch) => s.gemm(s.flatten(s.globalAveragePool(s.act(s.bn(s.conv(s.input, { out: 3 })), 'hardswish'))), 5),
      (s: OnnxSketch) => s.gemm(s.reduceMean(s.act(s.bn(s.conv(s.input, { out: 3 })), 'hardswish'), false), 5),
      (s: OnnxSketch) => {
        const x = s.reduceMean(s.act(s.bn(s.conv(s.input, { out: 3 })), 'hardswish'), true)
        return s.gemm(s.node('Squeeze', [x.name, s.constant([2, 3], [2], 'int64')], [3]), 5)
      },
      (s: OnnxSketch) => s.matmul(s.viewFlatten(s.globalAveragePool(s.act(s.bn(s.conv(s.input, { out: 3 })), 'hardswish'))), 5),
    ]
    const outputs = heads.map((head) => {
      const s = new OnnxSketch(4, 4)
      return run(s.encode(head(s)), 0.3)
    })
    for (const out of outputs.slice(1)) {
      expect(out.length).toBe(10)
      out.forEach((v, i) => expect(v).toBeCloseTo(outputs[0][i], 6))
    }
  })

  test('depthwise Conv: output channel c at the centre is w times the 3x3 window sum of input channel c', () => {
    const s = new OnnxSketch(4, 4)
    const out = run(s.encode(s.conv(s.input, { out: 4, kernel: 3, group: 4 })), 0.5)
    for (let n = 0; n < 2; n++) {
      for (let c = 0; c < 4; c++) {
        let sum = 0
        for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) sum += input[((n * 4 + c) * 4 + y) * 4 + x]
        expect(out[((n * 4 + c) * 4 + 1) * 4 + 1]).toBeCloseTo(0.5 * sum, 5)
      }
    }
  })

  test('MaxPool with ceil_mode gives the ONNX output size (8 px, kernel 3, stride 2: 4, not 3)', () => {
    const s = new OnnxSketch(2, 8)
    const graph = loadOnnxNetwork(s.encode(s.pool('MaxPool', s.input, { kernel: 3, stride: 2, ceilMode: true })), 'm.onnx').build(1)
    expect(graph.nodes[graph.output].shape).toEqual([1, 2, 4, 4])
  })
})
