import { samePads, windowOutput } from '../window.ts'
import { encodeOnnxModel, type OnnxAttribute, type OnnxNodeSpec, type OnnxTensor } from '../write.ts'

/**
 * Writes ONNX graphs the way torch.onnx.export spells the layers of a PyTorch model (node names,
 * weight initializers, training-mode BN, Clip with constant inputs, the x.view(x.size(0), -1)
 * shape chain), while tracking each tensor's shape so generators can make valid random networks.
 * Used by the family generators, the importer's tests and bench/.
 */

/** A tensor of the sketch: its name and its shape without the batch axis ([C, H, W] or [F]). */
export interface SketchTensor {
  readonly name: string
  readonly dims: readonly number[]
}

export type Activation = 'relu' | 'relu6' | 'leakyrelu' | 'sigmoid' | 'tanh' | 'hardsigmoid' | 'hardswish' | 'none'

export const ACTIVATIONS: readonly Activation[] = ['relu', 'relu6', 'leakyrelu', 'sigmoid', 'tanh', 'hardsigmoid', 'hardswish', 'none']

export interface ConvOptions {
  out: number
  kernel?: number | [number, number]
  stride?: number | [number, number]
  /** [top, left, bottom, right]; default 'same' for odd kernels at stride 1: (k - 1) / 2 * dilation each side. */
  pads?: [number, number, number, number]
  autoPad?: 'SAME_UPPER' | 'SAME_LOWER' | 'VALID'
  dilation?: number | [number, number]
  group?: number
  bias?: boolean
}

export interface PoolOptions {
  kernel: number | [number, number]
  stride?: number | [number, number]
  pads?: [number, number, number, number]
  ceilMode?: boolean
  countIncludePad?: boolean
  autoPad?: 'SAME_UPPER' | 'SAME_LOWER' | 'VALID'
}

function pair(v: number | [number, number] | undefined, fallback: number): [number, number] {
  if (v === undefined) return [fallback, fallback]
  return typeof v === 'number' ? [v, v] : v
}

export class OnnxSketch {
  private readonly nodes: OnnxNodeSpec[] = []
  private readonly initializers: Record<string, OnnxTensor> = {}
  private counter = 0
  readonly input: SketchTensor

  constructor(
    readonly channels: number,
    readonly imageSize: number,
    readonly opset = 13,
  ) {
    this.input = { name: 'input', dims: [channels, imageSize, imageSize] }
  }

  private fresh(prefix: string): string {
    return `/${prefix}_${this.counter++}`
  }

  /** A generic node; `dims` is the shape of its first output. */
  node(op: string, inputs: readonly string[], dims: readonly number[], attributes: Record<string, OnnxAttribute> = {}, extraOutputs = 0): SketchTensor {
    const name = this.fresh(op)
    const outputs = [`${name}_output_0`, ...Array.from({ length: extraOutputs }, (_, k) => `${name}_output_${k + 1}`)]
    this.nodes.push({ op, name, inputs, outputs, attributes })
    return { name: outputs[0], dims }
  }

  initializer(tensor: OnnxTensor, prefix = 'param'): string {
    const name = `${prefix}.${this.counter++}`
    this.initializers[name] = tensor
    return name
  }

  /** A Constant node, as torch writes literal values (Clip bounds, shape pieces). */
  constant(values: readonly number[], dims: readonly number[], dataType: 'float' | 'int64' = 'float'): string {
    return this.node('Constant', [], dims, { value: { tensor: { dims, dataType, values } } }).name
  }

  conv(x: SketchTensor, o: ConvOptions): SketchTensor {
    const [c, h, w] = x.dims
    const kernel = pair(o.kernel, 3)
    const stride = pair(o.stride, 1)
    const dilation = pair(o.dilation, 1)
    const group = o.group ?? 1
    const pads = o.autoPad === 'VALID' ? [0, 0, 0, 0] as [number, number, number, number]
      : o.autoPad ? samePads([h, w], kernel, stride, dilation, o.autoPad === 'SAME_UPPER')
      : o.pads ?? [((kernel[0] - 1) * dilation[0]) >> 1, ((kernel[1] - 1) * dilation[1]) >> 1, ((kernel[0] - 1) * dilation[0]) >> 1, ((kernel[1] - 1) * dilation[1]) >> 1]
    const inputs = [x.name, this.initializer({ dims: [o.out, c / group, kernel[0], kernel[1]] }, 'conv.weight')]
    if (o.bias) inputs.push(this.initializer({ dims: [o.out] }, 'conv.bias'))
    const attributes: Record<string, OnnxAttribute> = { dilations: { ints: dilation }, group: { int: group }, kernel_shape: { ints: kernel }, strides: { ints: stride } }
    if (o.autoPad) attributes.auto_pad = { string: o.autoPad }
    else attributes.pads = { ints: pads }
    const oh = windowOutput(h, kernel[0], stride[0], dilation[0], pads[0], pads[2], false)
    const ow = windowOutput(w, kernel[1], stride[1], dilation[1], pads[1], pads[3], false)
    return this.node('Conv', inputs, [o.out, oh, ow], attributes)
  }

  /** BatchNormalization as a training-mode export writes it (5 outputs before opset 14, 3 from 14), or 'eval' (1 output). */
  bn(x: SketchTensor, form: 'training' | 'eval' = 'training'): SketchTensor {
    const c = x.dims[0]
    const params = (['weight', 'bias', 'running_mean', 'running_var'] as const).map((p) =>
      this.initializer({ dims: [c], values: new Array<number>(c).fill(p === 'running_var' || p === 'weight' ? 1 : 0) }, `bn.${p}`),
    )
    const training = form === 'training'
    const extra = !training ? 0 : this.opset >= 14 ? 2 : 4
    const attributes: Record<string, OnnxAttribute> = { epsilon: { float: 1e-5 }, momentum: { float: 0.9 } }
    if (training && this.opset >= 14) attributes.training_mode = { int: 1 }
    return this.node('BatchNormalization', [x.name, ...params], x.dims, attributes, extra)
  }

  act(x: SketchTensor, kind: Activation): SketchTensor {
    switch (kind) {
      case 'none':
        return x
      case 'relu':
        return this.node('Relu', [x.name], x.dims)
      case 'relu6':
        return this.clip(x, 0, 6)
      case 'leakyrelu':
        return this.node('LeakyRelu', [x.name], x.dims, { alpha: { float: 0.01 } })
      case 'sigmoid':
        return this.node('Sigmoid', [x.name], x.dims)
      case 'tanh':
        return this.node('Tanh', [x.name], x.dims)
      case 'hardsigmoid':
        return this.node('HardSigmoid', [x.name], x.dims, { alpha: { float: 1 / 6 }, beta: { float: 0.5 } })
      case 'hardswish':
        return this.node('HardSwish', [x.name], x.dims)
    }
  }

  /** Clip as torch exports ReLU6: bounds as Constant inputs from opset 11, as attributes before. */
  clip(x: SketchTensor, min: number, max: number): SketchTensor {
    if (this.opset < 11) return this.node('Clip', [x.name], x.dims, { min: { float: min }, max: { float: max } })
    return this.node('Clip', [x.name, this.constant([min], []), this.constant([max], [])], x.dims)
  }

  binary(op: 'Add' | 'Sub' | 'Mul', a: SketchTensor, b: SketchTensor): SketchTensor {
    return this.node(op, [a.name, b.name], a.dims)
  }

  scalar(op: 'Add' | 'Sub' | 'Mul' | 'Div', x: SketchTensor, value: number, scalarFirst = false): SketchTensor {
    const c = this.constant([value], [])
    return this.node(op, scalarFirst ? [c, x.name] : [x.name, c], x.dims)
  }

  concat(xs: readonly SketchTensor[]): SketchTensor {
    const [, h, w] = xs[0].dims
    return this.node('Concat', xs.map((x) => x.name), [xs.reduce((n, x) => n + x.dims[0], 0), h, w], { axis: { int: 1 } })
  }

  pool(op: 'MaxPool' | 'AveragePool', x: SketchTensor, o: PoolOptions): SketchTensor {
    const [c, h, w] = x.dims
    const kernel = pair(o.kernel, 1)
    const stride = pair(o.stride, 1)
    const pads = o.autoPad === 'VALID' ? [0, 0, 0, 0] as [number, number, number, number]
      : o.autoPad ? samePads([h, w], kernel, stride, [1, 1], o.autoPad === 'SAME_UPPER')
      : o.pads ?? [0, 0, 0, 0]
    const attributes: Record<string, OnnxAttribute> = { kernel_shape: { ints: kernel }, strides: { ints: stride }, ceil_mode: { int: o.ceilMode ? 1 : 0 } }
    if (o.autoPad) attributes.auto_pad = { string: o.autoPad }
    else attributes.pads = { ints: pads }
    if (op === 'AveragePool') attributes.count_include_pad = { int: o.countIncludePad ? 1 : 0 }
    const ceil = Boolean(o.ceilMode) && !o.autoPad
    return this.node(op, [x.name], [c, windowOutput(h, kernel[0], stride[0], 1, pads[0], pads[2], ceil), windowOutput(w, kernel[1], stride[1], 1, pads[1], pads[3], ceil)], attributes)
  }

  globalAveragePool(x: SketchTensor): SketchTensor {
    return this.node('GlobalAveragePool', [x.name], [x.dims[0], 1, 1])
  }

  /** ReduceMean over H and W (axes as an attribute before opset 18, as an input from 18). */
  reduceMean(x: SketchTensor, keepDims: boolean): SketchTensor {
    const dims = keepDims ? [x.dims[0], 1, 1] : [x.dims[0]]
    const keep = { keepdims: { int: keepDims ? 1 : 0 } }
    if (this.opset >= 18) return this.node('ReduceMean', [x.name, this.constant([2, 3], [2], 'int64')], dims, keep)
    return this.node('ReduceMean', [x.name], dims, { axes: { ints: [2, 3] }, ...keep })
  }

  flatten(x: SketchTensor): SketchTensor {
    return this.node('Flatten', [x.name], [x.dims.reduce((a, b) => a * b, 1)], { axis: { int: 1 } })
  }

  /** x.view(x.size(0), -1) as torch exports it: Shape -> Gather(0) -> Unsqueeze -> Concat([.., -1]) -> Reshape. */
  viewFlatten(x: SketchTensor): SketchTensor {
    const shape = this.node('Shape', [x.name], [4])
    const batch = this.node('Gather', [shape.name, this.constant([0], [], 'int64')], [], { axis: { int: 0 } })
    const unsqueezed = this.opset >= 13
      ? this.node('Unsqueeze', [batch.name, this.constant([0], [1], 'int64')], [1])
      : this.node('Unsqueeze', [batch.name], [1], { axes: { ints: [0] } })
    const target = this.node('Concat', [unsqueezed.name, this.constant([-1], [1], 'int64')], [2], { axis: { int: 0 } })
    return this.node('Reshape', [x.name, target.name], [x.dims.reduce((a, b) => a * b, 1)])
  }

  gemm(x: SketchTensor, out: number): SketchTensor {
    const weight = this.initializer({ dims: [out, x.dims[0]] }, 'fc.weight')
    const bias = this.initializer({ dims: [out] }, 'fc.bias')
    return this.node('Gemm', [x.name, weight, bias], [out], { alpha: { float: 1 }, beta: { float: 1 }, transB: { int: 1 } })
  }

  matmul(x: SketchTensor, out: number): SketchTensor {
    return this.node('MatMul', [x.name, this.initializer({ dims: [x.dims[0], out] }, 'fc.weight')], [out])
  }

  /** The model bytes with `output` as the graph output. */
  encode(output: SketchTensor, batch: number | string = 'N'): Uint8Array {
    const nodes = [...this.nodes]
    // The graph output gets the name torch gives it.
    const last = nodes.findIndex((n) => n.outputs[0] === output.name)
    if (last >= 0) nodes[last] = { ...nodes[last], outputs: ['output', ...nodes[last].outputs.slice(1)] }
    const rename = (name: string): string => (name === output.name ? 'output' : name)
    return encodeOnnxModel({
      nodes: nodes.map((n) => ({ ...n, inputs: n.inputs.map(rename) })),
      initializers: this.initializers,
      input: { name: 'input', channels: this.channels, height: this.imageSize, width: this.imageSize, batch },
      outputs: [{ name: last >= 0 ? 'output' : output.name, dims: [batch, ...output.dims] }],
      opset: this.opset,
    })
  }
}
