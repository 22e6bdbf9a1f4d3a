import { ATTRIBUTE_TYPE, TENSOR_TYPE, encodeModelProto, type AttributeProtoData, type TensorProtoData, type ValueInfoData } from './proto.ts'

/**
 * A small ONNX writer for tests, benchmarks and generated families: a description of a network in,
 * .onnx bytes out, encoded with the same protobufjs schema the reader uses. It writes what
 * torch.onnx.export writes for the networks we generate (raw_data initializers, symbolic batch
 * axis, opset_import of the default domain); it does not check that the graph makes sense, so tests
 * can write bad files on purpose.
 */

/** An attribute value, tagged with its ONNX attribute type. */
export type OnnxAttribute =
  | { int: number }
  | { float: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { string: string }
  | { tensor: OnnxTensor }

/** A constant tensor; `values` default to zeros (weights' values never matter to epsilon). */
export interface OnnxTensor {
  dims: readonly number[]
  dataType?: 'float' | 'int64'
  values?: ArrayLike<number>
}

export interface OnnxNodeSpec {
  op: string
  inputs: readonly string[]
  outputs: readonly string[]
  name?: string
  attributes?: Readonly<Record<string, OnnxAttribute>>
  domain?: string
}

/** A graph input or output; a string dim is symbolic (dim_param), e.g. the batch axis 'N'. */
export interface OnnxValueSpec {
  name: string
  dims?: readonly (number | string)[]
  elemType?: 'float' | 'int64'
}

export interface OnnxModelSpec {
  nodes: readonly OnnxNodeSpec[]
  initializers?: Readonly<Record<string, OnnxTensor>>
  /** The model input: NCHW, batch axis a number or a symbol such as 'N' (torch's dynamic_axes). */
  input: { name: string; channels: number; height: number; width: number; batch: number | string }
  /** More graph inputs (only tests of the 'one graph input' rule need them). */
  extraInputs?: readonly OnnxValueSpec[]
  outputs: readonly OnnxValueSpec[]
  /** Default-domain opset (default 13). */
  opset?: number
  /** Default: the IR version that goes with the opset (onnx/helper.py's table). */
  irVersion?: number
  /** Lists the initializers among the graph inputs too, as exporters did before IR version 4. */
  initializersAsInputs?: boolean
}

/** IR version released with each opset (onnx/helper.py VERSION_TABLE), for opsets 7..21. */
const IR_VERSION_OF_OPSET: Readonly<Record<number, number>> = {
  7: 3, 8: 3, 9: 4, 10: 5, 11: 6, 12: 7, 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10,
}

const DEFAULT_OPSET = 13

function tensorProto(name: string, tensor: OnnxTensor): TensorProtoData {
  const count = tensor.dims.reduce((a, b) => a * b, 1)
  const values = tensor.values ?? new Array<number>(count).fill(0)
  if (values.length !== count) throw new Error(`tensor ${name}: ${values.length} values for dims [${tensor.dims.join(', ')}]`)
  // raw_data little-endian, as torch.onnx.export writes initializers.
  let raw: Uint8Array
  if (tensor.dataType === 'int64') {
    const data = new BigInt64Array(count)
    // Saturate: 2 ** 63 (the double nearest INT64_MAX) is written as INT64_MAX, as torch writes a
    // Slice's 'to the end', instead of wrapping around to INT64_MIN.
    for (let i = 0; i < count; i++) data[i] = values[i] >= 2 ** 63 ? 2n ** 63n - 1n : values[i] <= -(2 ** 63) ? -(2n ** 63n) : BigInt(values[i])
    raw = new Uint8Array(data.buffer)
  } else {
    raw = new Uint8Array(Float32Array.from(values).buffer)
  }
  return { name, dims: [...tensor.dims], data_type: tensor.dataType === 'int64' ? TENSOR_TYPE.INT64 : TENSOR_TYPE.FLOAT, raw_data: raw }
}

function attributeProto(name: string, value: OnnxAttribute): AttributeProtoData {
  if ('int' in value) return { name, type: ATTRIBUTE_TYPE.INT, i: value.int }
  if ('float' in value) return { name, type: ATTRIBUTE_TYPE.FLOAT, f: value.float }
  if ('ints' in value) return { name, type: ATTRIBUTE_TYPE.INTS, ints: [...value.ints] }
  if ('floats' in value) return { name, type: ATTRIBUTE_TYPE.FLOATS, floats: [...value.floats] }
  if ('string' in value) return { name, type: ATTRIBUTE_TYPE.STRING, s: new TextEncoder().encode(value.string) }
  return { name, type: ATTRIBUTE_TYPE.TENSOR, t: tensorProto('', value.tensor) }
}

function valueInfo(value: OnnxValueSpec): ValueInfoData {
  const elemType = value.elemType === 'int64' ? TENSOR_TYPE.INT64 : TENSOR_TYPE.FLOAT
  const shape = value.dims ? { dim: value.dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } : undefined
  return { name: value.name, type: { tensor_type: { elem_type: elemType, ...(shape ? { shape } : {}) } } }
}

/** Encodes a network description as .onnx bytes (ModelProto). */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const opset = spec.opset ?? DEFAULT_OPSET
  const initializers = Object.entries(spec.initializers ?? {})
  const { input } = spec
  const inputs: ValueInfoData[] = [
    valueInfo({ name: input.name, dims: [input.batch, input.channels, input.height, input.width] }),
    ...(spec.extraInputs ?? []).map(valueInfo),
    ...(spec.initializersAsInputs ? initializers.map(([name, t]) => valueInfo({ name, dims: t.dims, elemType: t.dataType })) : []),
  ]
  return encodeModelProto({
    ir_version: spec.irVersion ?? IR_VERSION_OF_OPSET[opset] ?? 8,
    producer_name: 'epsinas-onnx-writer',
    opset_import: [{ domain: '', version: opset }],
    graph: {
      name: 'main_graph',
      node: spec.nodes.map((node, index) => ({
        name: node.name ?? `/${node.op}_${index}`,
        op_type: node.op,
        ...(node.domain ? { domain: node.domain } : {}),
        input: [...node.inputs],
        output: [...node.outputs],
        attribute: Object.entries(node.attributes ?? {}).map(([name, value]) => attributeProto(name, value)),
      })),
      initializer: initializers.map(([name, tensor]) => tensorProto(name, tensor)),
      input: inputs,
      output: spec.outputs.map(valueInfo),
    },
  })
}

export interface TinyOnnxOptions {
  /** Input channels (default 3). */
  channels?: number
  /** Output channels of every conv (default 4). */
  width?: number
  /** Input height and width (default 8). */
  imageSize?: number
  /** Conv -> BN -> ReLU blocks (default 1). */
  depth?: number
  /** Gemm outputs (default 10). */
  classes?: number
  /** Batch axis: a symbol (default 'N', as with dynamic_axes) or a fixed size. */
  batch?: number | string
  /** Default 13 (BN with 5 outputs); from 14 on BN is written as torch does there: training_mode=1, 3 outputs. */
  opset?: number
  /**
   * 'training' (default): BN kept as a training-mode export writes it. 'eval': BN with 1 output.
   * 'folded': no BN, convs with biases, as a default eval-mode export folds BN into the convs.
   */
  bn?: 'training' | 'eval' | 'folded'
}

/**
 * A small valid model as torch.onnx.export(training=TRAINING, do_constant_folding=False) writes it:
 * depth x (Conv 3x3 pad 1 -> BatchNormalization -> Relu) -> GlobalAveragePool -> Flatten -> Gemm.
 * Distinct options give distinct architectures (and distinct bytes).
 */
export function tinyOnnxModel(options: TinyOnnxOptions = {}): Uint8Array {
  const channels = options.channels ?? 3
  const width = options.width ?? 4
  const size = options.imageSize ?? 8
  const depth = options.depth ?? 1
  const classes = options.classes ?? 10
  const opset = options.opset ?? DEFAULT_OPSET
  const bn = options.bn ?? 'training'
  const nodes: OnnxNodeSpec[] = []
  const initializers: Record<string, OnnxTensor> = {}
  let x = 'input'
  let inChannels = channels
  for (let i = 0; i < depth; i++) {
    const p = `features.${i}`
    initializers[`${p}.conv.weight`] = { dims: [width, inChannels, 3, 3] }
    const convInputs = [x, `${p}.conv.weight`]
    if (bn === 'folded') {
      initializers[`${p}.conv.bias`] = { dims: [width] }
      convInputs.push(`${p}.conv.bias`)
    }
    nodes.push({
      op: 'Conv',
      name: `/features.${i}/conv/Conv`,
      inputs: convInputs,
      outputs: [`/features.${i}/conv/Conv_output_0`],
      attributes: { dilations: { ints: [1, 1] }, group: { int: 1 }, kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] }, strides: { ints: [1, 1] } },
    })
    x = `/features.${i}/conv/Conv_output_0`
    if (bn !== 'folded') {
      for (const [param, fill] of [['weight', 1], ['bias', 0], ['running_mean', 0], ['running_var', 1]] as const) {
        initializers[`${p}.bn.${param}`] = { dims: [width], values: new Array<number>(width).fill(fill) }
      }
      const training = bn === 'training'
      const extraOutputs = !training ? [] : opset >= 14 ? ['running_mean', 'running_var'] : ['running_mean', 'running_var', 'saved_mean', 'saved_var']
      nodes.push({
        op: 'BatchNormalization',
        name: `/features.${i}/bn/BatchNormalization`,
        inputs: [x, `${p}.bn.weight`, `${p}.bn.bias`, `${p}.bn.running_mean`, `${p}.bn.running_var`],
        outputs: [`/features.${i}/bn/BatchNormalization_output_0`, ...extraOutputs.map((o) => `/features.${i}/bn/${o}`)],
        attributes: { epsilon: { float: 1e-5 }, momentum: { float: 0.9 }, ...(training && opset >= 14 ? { training_mode: { int: 1 } } : {}) },
      })
      x = `/features.${i}/bn/BatchNormalization_output_0`
    }
    nodes.push({ op: 'Relu', name: `/features.${i}/relu/Relu`, inputs: [x], outputs: [`/features.${i}/relu/Relu_output_0`] })
    x = `/features.${i}/relu/Relu_output_0`
    inChannels = width
  }
  initializers['classifier.weight'] = { dims: [classes, width] }
  initializers['classifier.bias'] = { dims: [classes] }
  nodes.push(
    { op: 'GlobalAveragePool', name: '/pool/GlobalAveragePool', inputs: [x], outputs: ['/pool/GlobalAveragePool_output_0'] },
    { op: 'Flatten', name: '/Flatten', inputs: ['/pool/GlobalAveragePool_output_0'], outputs: ['/Flatten_output_0'], attributes: { axis: { int: 1 } } },
    {
      op: 'Gemm',
      name: '/classifier/Gemm',
      inputs: ['/Flatten_output_0', 'classifier.weight', 'classifier.bias'],
      outputs: ['output'],
      attributes: { alpha: { float: 1 }, beta: { float: 1 }, transB: { int: 1 } },
    },
  )
  const batch = options.batch ?? 'N'
  return encodeOnnxModel({
    nodes,
    initializers,
    input: { name: 'input', channels, height: size, width: size, batch },
    outputs: [{ name: 'output', dims: [batch, classes] }],
    opset,
  })
}
