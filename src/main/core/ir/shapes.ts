import { EpsinasError } from '../../../shared/errors.ts'
import type { Node, Op, Window2d } from './graph.ts'

/** Output size of a sliding window along one axis (floor mode, as PyTorch). */
export function windowOutputSize(size: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - kernel) / stride) + 1
}

/**
 * Output size along one axis of a general window (ONNX Conv/MaxPool/AveragePool, PyTorch):
 * floor((size + padBegin + padEnd - dilation * (kernel - 1) - 1) / stride) + 1. With ceilMode the
 * division rounds up, and a last window that would start in the end padding or beyond, i.e.
 * (out - 1) * stride >= size + padBegin in padded coordinates, is dropped (PyTorch's rule).
 */
export function generalOutputSize(size: number, kernel: number, stride: number, dilation: number, padBegin: number, padEnd: number, ceilMode = false): number {
  const span = size + padBegin + padEnd - dilation * (kernel - 1) - 1
  if (!ceilMode) return Math.floor(span / stride) + 1
  let out = Math.ceil(span / stride) + 1
  if ((out - 1) * stride >= size + padBegin) out -= 1
  return out
}

/** Output [height, width] of a general window over an [h, w] plane. */
export function windowOutputShape(h: number, w: number, window: Window2d, ceilMode = false): [number, number] {
  const { kernel, stride, dilation, pads } = window
  return [
    generalOutputSize(h, kernel[0], stride[0], dilation[0], pads[0], pads[2], ceilMode),
    generalOutputSize(w, kernel[1], stride[1], dilation[1], pads[1], pads[3], ceilMode),
  ]
}

function positiveIntegers(values: readonly number[]): boolean {
  return values.every((v) => Number.isInteger(v) && v >= 1)
}

/** A general window's output plane over `input`; fails on malformed geometry or an empty output. */
function windowed(op: Op, input: Node, window: Window2d, ceilMode = false): [number, number, number, number] {
  const [n, c, h, w] = image(op, input)
  const { kernel, stride, dilation, pads } = window
  if (!positiveIntegers([...kernel, ...stride, ...dilation]) || !pads.every((p) => Number.isInteger(p) && p >= 0)) {
    fail(op, `bad window: kernel [${kernel}], stride [${stride}], dilation [${dilation}], pads [${pads}]`)
  }
  const [oh, ow] = windowOutputShape(h, w, window, ceilMode)
  if (oh < 1 || ow < 1) fail(op, `window larger than the padded input [${h}, ${w}]`)
  return [n, c, oh, ow]
}

/**
 * n ones, the multiplicity of a full-width tensor, shared and frozen: graphs hold thousands of nodes
 * with hundreds of channels each (NB-NLP: 600), and a fresh array per node was most of the cost
 * of building and rewriting them. Nodes never mutate their multiplicities (frozen: a write throws).
 */
const onesByLength = new Map<number, readonly number[]>()
function ones(n: number): readonly number[] {
  let array = onesByLength.get(n)
  if (!array) {
    array = Object.freeze(new Array<number>(n).fill(1))
    onesByLength.set(n, array)
  }
  return array
}

/** Element-wise equality, without building the strings a join() comparison would. */
function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function fail(op: Op, message: string): never {
  throw new EpsinasError('INTERNAL', `${op.kind}: ${message}`)
}

function single(op: Op, inputs: readonly Node[]): Node {
  if (inputs.length !== 1) fail(op, `expects 1 input, got ${inputs.length}`)
  return inputs[0]
}

function image(op: Op, node: Node): [number, number, number, number] {
  if (node.shape.length !== 4) fail(op, `expects an NCHW input, got shape [${node.shape.join(', ')}]`)
  return node.shape as unknown as [number, number, number, number]
}

/** Shape and channel multiplicities an op produces from its inputs; throws on inconsistent graphs. */
export function inferShape(op: Op, inputs: readonly Node[]): { shape: number[]; multiplicity: readonly number[] } {
  switch (op.kind) {
    case 'input':
      return fail(op, 'inputs are added with GraphBuilder.input')
    case 'conv2d': {
      const [n, , h, w] = image(op, single(op, inputs))
      const oh = windowOutputSize(h, op.kernel, op.stride, op.pad)
      const ow = windowOutputSize(w, op.kernel, op.stride, op.pad)
      return { shape: [n, op.outChannels, oh, ow], multiplicity: ones(op.outChannels) }
    }
    case 'avgpool':
    case 'maxpool': {
      const input = single(op, inputs)
      const [n, c, h, w] = image(op, input)
      const oh = windowOutputSize(h, op.kernel, op.stride, op.pad)
      const ow = windowOutputSize(w, op.kernel, op.stride, op.pad)
      return { shape: [n, c, oh, ow], multiplicity: input.channelMultiplicity }
    }
    case 'batchnorm':
    case 'relu':
    case 'zero': {
      const input = single(op, inputs)
      return { shape: [...input.shape], multiplicity: input.channelMultiplicity }
    }
    case 'add': {
      if (inputs.length < 1) fail(op, 'expects at least 1 input')
      const first = inputs[0]
      for (const other of inputs) {
        if (other.shape.join() !== first.shape.join()) fail(op, `shapes differ: [${first.shape}] vs [${other.shape}]`)
        if (!sameNumbers(other.channelMultiplicity, first.channelMultiplicity)) {
          fail(op, 'operands have different channel groupings; insert a regroup first')
        }
      }
      return { shape: [...first.shape], multiplicity: first.channelMultiplicity }
    }
    case 'globalavgpool': {
      const input = single(op, inputs)
      const [n, c] = image(op, input)
      return { shape: [n, c], multiplicity: input.channelMultiplicity }
    }
    case 'linear': {
      const input = single(op, inputs)
      if (input.shape.length !== 2) fail(op, `expects an [N, F] input, got [${input.shape.join(', ')}]`)
      return { shape: [input.shape[0], op.outFeatures], multiplicity: ones(op.outFeatures) }
    }
    case 'concat': {
      if (inputs.length < 1) fail(op, 'expects at least 1 input')
      const [n, , h, w] = image(op, inputs[0])
      for (const other of inputs) {
        const [on, , oh, ow] = image(op, other)
        if (on !== n || oh !== h || ow !== w) fail(op, `operands differ outside the channels: [${inputs[0].shape}] vs [${other.shape}]`)
      }
      const multiplicity = inputs.flatMap((input) => input.channelMultiplicity)
      return { shape: [n, multiplicity.length, h, w], multiplicity }
    }
    case 'channelslice': {
      const input = single(op, inputs)
      const channels = input.shape[1]
      if (!Number.isInteger(op.start) || !Number.isInteger(op.size) || op.start < 0 || op.size < 1 || op.start + op.size > channels) {
        fail(op, `channels ${op.start}..${op.start + op.size - 1} out of range for ${channels} channels`)
      }
      const shape = [...input.shape]
      shape[1] = op.size
      return { shape, multiplicity: input.channelMultiplicity.slice(op.start, op.start + op.size) }
    }
    case 'regroup': {
      const input = single(op, inputs)
      const channels = input.shape[1]
      for (const source of op.sources) {
        if (!Number.isInteger(source) || source < 0 || source >= channels) fail(op, `source channel ${source} out of range`)
      }
      const shape = [...input.shape]
      shape[1] = op.sources.length
      return { shape, multiplicity: ones(op.sources.length) }
    }
    case 'multilinear': {
      if (inputs.length < 1) fail(op, 'expects at least 1 input')
      const n = flatRows(op, inputs[0])
      for (const other of inputs) if (flatRows(op, other) !== n) fail(op, `operands have different row counts: [${inputs[0].shape}] vs [${other.shape}]`)
      return { shape: [n, op.outFeatures], multiplicity: ones(op.outFeatures) }
    }
    case 'sigmoid':
    case 'tanh':
    case 'leakyrelu': {
      const input = single(op, inputs)
      return { shape: [...input.shape], multiplicity: input.channelMultiplicity }
    }
    case 'mul':
    case 'blend': {
      if (op.kind === 'blend' ? inputs.length !== 3 : inputs.length < 1) fail(op, `wrong number of inputs: ${inputs.length}`)
      return sameLayout(op, inputs)
    }
    case 'fillweight': {
      if (inputs.length !== 0) fail(op, 'takes no inputs')
      if (op.shape.length !== 2 || !op.shape.every((d) => Number.isInteger(d) && d >= 1)) fail(op, `bad shape [${op.shape.join(', ')}]`)
      return { shape: [...op.shape], multiplicity: ones(op.shape[1]) }
    }
    case 'rows': {
      const input = single(op, inputs)
      const n = flatRows(op, input)
      if (!Number.isInteger(op.start) || !Number.isInteger(op.count) || op.start < 0 || op.count < 1 || op.start + op.count > n) {
        fail(op, `rows ${op.start}..${op.start + op.count - 1} out of range for ${n} rows`)
      }
      return { shape: [op.count, input.shape[1]], multiplicity: input.channelMultiplicity }
    }
    case 'embedding': {
      const input = single(op, inputs)
      const n = flatRows(op, input)
      if (input.shape[1] !== 1) fail(op, `expects token ids [N, 1], got [${input.shape.join(', ')}]`)
      return { shape: [n, op.features], multiplicity: ones(op.features) }
    }
    case 'stackrows': {
      if (inputs.length < 1) fail(op, 'expects at least 1 input')
      for (const input of inputs) flatRows(op, input)
      const { multiplicity } = sameLayout(op, inputs, true)
      return { shape: [inputs.reduce((n, input) => n + input.shape[0], 0), inputs[0].shape[1]], multiplicity }
    }
    case 'conv': {
      const input = single(op, inputs)
      const [n, c, oh, ow] = windowed(op, input, op.window)
      const { groups, outChannels } = op
      if (!positiveIntegers([groups, outChannels]) || c % groups !== 0 || outChannels % groups !== 0) {
        fail(op, `${c} stored input channels and ${outChannels} output channels do not split into ${groups} groups`)
      }
      return { shape: [n, outChannels, oh, ow], multiplicity: ones(outChannels) }
    }
    case 'pool': {
      const input = single(op, inputs)
      return { shape: windowed(op, input, op.window, op.ceilMode), multiplicity: input.channelMultiplicity }
    }
    case 'hardsigmoid':
    case 'hardswish':
    case 'clip':
    case 'scalar': {
      const input = single(op, inputs)
      return { shape: [...input.shape], multiplicity: input.channelMultiplicity }
    }
    case 'sub':
      if (inputs.length !== 2) fail(op, `expects 2 inputs, got ${inputs.length}`)
      return sameLayout(op, inputs)
    case 'pad': {
      const input = single(op, inputs)
      const [n, c, h, w] = image(op, input)
      const [top, left, bottom, right] = op.pads
      // Negative pads crop (graph.ts); what is left must not be empty.
      if (!op.pads.every((p) => Number.isInteger(p))) fail(op, `bad pads [${op.pads}]`)
      const [outH, outW] = [h + top + bottom, w + left + right]
      if (outH < 1 || outW < 1) fail(op, `pads [${op.pads}] leave an empty ${outH} x ${outW} output of a ${h} x ${w} input`)
      return { shape: [n, c, outH, outW], multiplicity: input.channelMultiplicity }
    }
    case 'flatten': {
      const input = single(op, inputs)
      const [n, c, h, w] = image(op, input)
      // With one pixel per channel, feature c is channel c: groups of identical channels stay groups.
      // With more, the features of identical channels are not consecutive: only a full-width input.
      if (h * w === 1) return { shape: [n, c], multiplicity: input.channelMultiplicity }
      if (input.channelMultiplicity.some((m) => m !== 1)) fail(op, 'flattens a collapsed image with H*W > 1; expand it to full width first')
      return { shape: [n, c * h * w], multiplicity: ones(c * h * w) }
    }
    case 'spatialmean': {
      const input = single(op, inputs)
      const [n, c] = image(op, input)
      return { shape: [n, c, 1, 1], multiplicity: input.channelMultiplicity }
    }
  }
}

function flatRows(op: Op, node: Node): number {
  if (node.shape.length !== 2) fail(op, `expects an [N, F] input, got shape [${node.shape.join(', ')}]`)
  return node.shape[0]
}

/** Elementwise operands (or row-stacked ones, `rowsMayDiffer`) must agree in shape and channel grouping. */
function sameLayout(op: Op, inputs: readonly Node[], rowsMayDiffer = false): { shape: number[]; multiplicity: readonly number[] } {
  const first = inputs[0]
  const layout = (node: Node): string => (rowsMayDiffer ? node.shape.slice(1) : node.shape).join()
  for (const other of inputs) {
    if (layout(other) !== layout(first)) fail(op, `shapes differ: [${first.shape}] vs [${other.shape}]`)
    if (!sameNumbers(other.channelMultiplicity, first.channelMultiplicity)) {
      fail(op, 'operands have different channel groupings; insert a regroup first')
    }
  }
  return { shape: [...first.shape], multiplicity: first.channelMultiplicity }
}
