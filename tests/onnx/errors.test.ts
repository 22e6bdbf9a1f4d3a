import { describe, expect, test } from 'vitest'
import { OnnxSketch } from '../../src/main/onnx/families/sketch.ts'
import { loadOnnxNetwork, SUPPORTED_ONNX_OPS } from '../../src/main/onnx/index.ts'
import { encodeOnnxModel, tinyOnnxModel } from '../../src/main/onnx/write.ts'
import { refusal } from './helpers.ts'

const SUPPORTED_LIST = `supported: ${SUPPORTED_ONNX_OPS.join(', ')}`

describe('files that are not ONNX models', () => {
  test('a text file, an empty file and a PNG header say the file is not an ONNX model', () => {
    expect(refusal(new TextEncoder().encode('name,epsilon\nnet1,0.5\n'), 'scores.onnx')).toMatch(/^scores\.onnx is not an ONNX model \(/)
    expect(refusal(new Uint8Array(0), 'empty.onnx')).toBe('empty.onnx is not an ONNX model (no ir_version; truncated or another format?)')
    expect(refusal(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'image.onnx')).toMatch(/^image\.onnx is not an ONNX model \(/)
  })

  test('every truncation of a valid model is refused with one line (never a crash, never a partial network)', () => {
    const bytes = tinyOnnxModel({ depth: 2 })
    for (let length = 1; length < bytes.length; length += 37) {
      const message = refusal(bytes.subarray(0, length), 'cut.onnx')
      expect(message, `cut at ${length}`).toMatch(/^cut\.onnx/)
    }
    expect(refusal(bytes.subarray(0, bytes.length - 3), 'cut.onnx')).toMatch(/^cut\.onnx is not an ONNX model \(cannot decode a ModelProto: index out of range/)
  })
})

describe('graphs outside the supported set', () => {
  test('an unsupported op names the file, the node, the op type and the supported list', () => {
    const s = new OnnxSketch(3, 8)
    const bytes = s.encode(s.node('Softmax', [s.input.name], s.input.dims, { axis: { int: 1 } }))
    expect(refusal(bytes, 'net.onnx')).toBe(`net.onnx: node "/Softmax_0" (Softmax): op Softmax is not supported; ${SUPPORTED_LIST}`)
  })

  test('an op of another domain is refused by its qualified name', () => {
    const bytes = encodeOnnxModel({
      nodes: [{ op: 'Relu', domain: 'com.microsoft', name: 'custom', inputs: ['x'], outputs: ['y'] }],
      input: { name: 'x', channels: 1, height: 2, width: 2, batch: 'N' },
      outputs: [{ name: 'y' }],
    })
    expect(refusal(bytes)).toBe(`model.onnx: node "custom" (Relu): op com.microsoft.Relu is not supported; ${SUPPORTED_LIST}`)
  })

  test('a shape that depends on the input values is refused', () => {
    const s = new OnnxSketch(3, 4)
    const flat = s.flatten(s.input)
    const bytes = s.encode(s.node('Reshape', [s.input.name, flat.name], [48]))
    expect(refusal(bytes)).toBe('model.onnx: node "/Reshape_1" (Reshape): the target shape depends on the input\'s values; supported: the target shape from an initializer or a constant expression')
  })

  test('a second graph input (not an initializer) is refused; initializers listed as inputs are not inputs', () => {
    const spec = {
      nodes: [{ op: 'Add', inputs: ['x', 'y'], outputs: ['z'] }],
      input: { name: 'x', channels: 1, height: 2, width: 2, batch: 'N' },
      extraInputs: [{ name: 'y', dims: ['N', 1, 2, 2] }],
      outputs: [{ name: 'z' }],
    }
    expect(refusal(encodeOnnxModel(spec), 'two.onnx')).toBe('two.onnx: the graph has 2 inputs besides its initializers ("x", "y"); supported: exactly one image input [N, C, H, W]')
    const old = tinyOnnxModel()
    expect(loadOnnxNetwork(old, 'ok.onnx').inputShape).toEqual([3, 8, 8])
    const s = new OnnxSketch(3, 8)
    const withInitializerInputs = encodeOnnxModel({
      nodes: [{ op: 'Conv', inputs: ['input', 'w'], outputs: ['y'], attributes: { kernel_shape: { ints: [1, 1] } } }, { op: 'BatchNormalization', inputs: ['y', 'g', 'b', 'm', 'v'], outputs: ['output'] }],
      initializers: { w: { dims: [2, 3, 1, 1] }, g: { dims: [2] }, b: { dims: [2] }, m: { dims: [2] }, v: { dims: [2] } },
      input: { name: 'input', channels: 3, height: 8, width: 8, batch: 'N' },
      outputs: [{ name: 'output' }],
      initializersAsInputs: true,
      opset: 9,
    })
    expect(loadOnnxNetwork(withInitializerInputs, 'old.onnx').build(2).nodes.map((n) => n.op.kind)).toEqual(['input', 'conv2d', 'batchnorm'])
    expect(s.input.dims).toEqual([3, 8, 8])
  })

  test('an input that is not NCHW with fixed C, H, W is refused', () => {
    const bytes = encodeOnnxModel({
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      input: { name: 'x', channels: 3, height: 0, width: 8, batch: 'N' },
      outputs: [{ name: 'y' }],
    })
    expect(refusal(bytes)).toBe('model.onnx: input "x" has shape [N, 3, 0, 8]; supported: [N, C, H, W] with fixed C, H, W (the batch axis N may be dynamic)')
  })

  test('an opset outside 9..21 is refused', () => {
    expect(refusal(tinyOnnxModel({ opset: 8 }))).toBe('model.onnx: opset 8 of the default domain; supported: opsets 9 to 21 (torch.onnx.export opset_version 11 to 20)')
  })

  test.each([
    ['broadcasting Mul (squeeze-excitation style)', (s: OnnxSketch) => s.binary('Mul', s.input, s.globalAveragePool(s.input)), 'operands of shapes [N, 3, 8, 8] and [N, 3, 1, 1] (broadcasting); supported: same shapes, or a scalar constant'],
    ['division of two tensors', (s: OnnxSketch) => s.node('Div', [s.input.name, s.act(s.input, 'sigmoid').name], s.input.dims), 'division of two tensors; supported: division by a scalar constant'],
    ['reshape that is not a flatten', (s: OnnxSketch) => s.node('Reshape', [s.input.name, s.constant([0, 3, 64], [3], 'int64')], [3, 64]), 'reshape of [batch, 3, 8, 8] to [batch, 3, 64]; supported: Reshape to [N, -1] (flatten) or to the same shape'],
    ['Gemm with alpha', (s: OnnxSketch) => s.node('Gemm', [s.flatten(s.input).name, s.initializer({ dims: [2, 192] })], [2], { alpha: { float: 2 }, transB: { int: 1 } }), 'alpha or beta other than 1; supported: Gemm with transA = 0, alpha = beta = 1'],
    ['Pad with reflection', (s: OnnxSketch) => s.node('Pad', [s.input.name, s.constant([0, 0, 1, 1, 0, 0, 1, 1], [8], 'int64')], s.input.dims, { mode: { string: 'reflect' } }), 'mode reflect; supported: Pad with zeros (mode constant, value 0) on H and W; negative pads crop'],
    ['Slice with step 2 on H', (s: OnnxSketch) => s.node('Slice', [s.input.name, s.constant([0], [1], 'int64'), s.constant([2 ** 63], [1], 'int64'), s.constant([2], [1], 'int64'), s.constant([2], [1], 'int64')], [3, 4, 8]), 'slicing axis 2 with step 2; supported: Slice of C, H and W with step 1, or of constants'],
    ['an empty Slice of W', (s: OnnxSketch) => s.node('Slice', [s.input.name, s.constant([5], [1], 'int64'), s.constant([2], [1], 'int64'), s.constant([3], [1], 'int64')], [3, 8, 0]), 'an empty slice of axis 3; supported: Slice of C, H and W with step 1, or of constants'],
    ['Pad cropping everything', (s: OnnxSketch) => s.node('Pad', [s.input.name, s.constant([0, 0, -4, 0, 0, 0, -4, 0], [8], 'int64')], [3, 0, 8]), 'pads [0, 0, -4, 0, 0, 0, -4, 0] leave an empty 0 x 8 image; supported: Pad with zeros (mode constant, value 0) on H and W; negative pads crop'],
    ['ReduceMean over the channels', (s: OnnxSketch) => s.node('ReduceMean', [s.input.name], [1, 8, 8], { axes: { ints: [1] } }), 'a mean over axes [1]; supported: ReduceMean over H and W (axes [2, 3])'],
    ['Concat along H', (s: OnnxSketch) => s.node('Concat', [s.input.name, s.input.name], [3, 16, 8], { axis: { int: 2 } }), 'concatenation along axis 2; supported: Concat of NCHW tensors along the channels'],
    ['a Conv whose weight is computed from the input', (s: OnnxSketch) => s.node('Conv', [s.input.name, s.input.name], [3, 1, 1]), "the weight depends on the input's values; supported: the weight from an initializer or a constant expression"],
  ])('%s is refused with the node and what is supported', (_, body, why) => {
    const s = new OnnxSketch(3, 8)
    const message = refusal(s.encode(body(s)), 'bad.onnx')
    expect(message).toMatch(/^bad\.onnx: node "\/\w+_\d+" \(\w+\): /)
    expect(message.replace(/^bad\.onnx: node "[^"]+" \(\w+\): /, '')).toBe(why)
  })

  test('a BN whose running statistics output is used is refused', () => {
    const s = new OnnxSketch(3, 8)
    const bn = s.bn(s.input)
    const stats = bn.name.replace(/_output_0$/, '_output_1')
    const message = refusal(s.encode(s.binary('Add', bn, { name: stats, dims: bn.dims })))
    expect(message).toBe('model.onnx: node "/BatchNormalization_4" (BatchNormalization): its output 1 (running or saved statistics) is used; supported: only output 0 used')
  })
})

describe('folded BatchNormalization', () => {
  test('Conv biases and no BatchNormalization: an error naming the export line, unless allowed (then a warning)', () => {
    const bytes = tinyOnnxModel({ bn: 'folded', depth: 2 })
    expect(refusal(bytes, 'folded.onnx')).toBe(
      'folded.onnx: BatchNormalization was probably folded into the convolutions (2 Conv with biases, no BatchNormalization); export with torch.onnx.export(model, x, path, training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False) to keep it, or allow folded BN (--allow-folded-bn) to score the network as it is',
    )
    const network = loadOnnxNetwork(bytes, 'folded.onnx', { allowFoldedBn: true })
    expect(network.warnings).toEqual([
      'folded.onnx: BatchNormalization was probably folded into the convolutions (2 Conv with biases, no BatchNormalization); export with torch.onnx.export(model, x, path, training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False) to keep it; scored as it is (--allow-folded-bn)',
    ])
    expect(network.build(2).nodes.map((n) => n.op.kind)).toEqual(['input', 'conv2d', 'relu', 'conv2d', 'relu', 'spatialmean', 'flatten', 'linear'])
  })

  test('a network without Conv biases and without BN is not suspected', () => {
    const s = new OnnxSketch(3, 8)
    expect(loadOnnxNetwork(s.encode(s.act(s.conv(s.input, { out: 4 }), 'relu')), 'plain.onnx').warnings).toEqual([])
  })
})
