import type { Op, Window2d } from '../core/ir/graph.ts'
import {
  arithmetic,
  concat,
  constant,
  constantFromProto,
  gather,
  numbersOf,
  reshape,
  resolveReshape,
  scalarOf,
  slice,
  sliceRange,
  squeeze,
  transpose,
  unsqueeze,
  type ConstantTensor,
} from './constants.ts'
import type { NodeContext, RuntimeValue } from './node-context.ts'
import { samePads, windowOutput } from './window.ts'

/**
 * One handler per supported ONNX op type: checks the node fits epsilon's semantics (metric.md
 * section 1: every Conv/Gemm/MatMul weight = w, biases = 0, BN gamma = w, beta = 0, batch statistics)
 * and appends the IR ops that compute it, or evaluates it statically when all its inputs are
 * constants. An op that does not fit is refused, never approximated.
 */
export type OpHandler = (n: NodeContext) => void

interface HandlerEntry {
  handle: OpHandler
  /** What forms of the op are supported (the 'supported: ...' of its refusals). */
  supported: string
}

const SLICE_SUPPORTED = 'Slice of C, H and W with step 1, or of constants'
const PAD_SUPPORTED = 'Pad with zeros (mode constant, value 0) on H and W; negative pads crop'

/** ONNX spells 'to the end' of a Slice as INT64_MAX (INT64_MIN backwards); as doubles, anything past 2^62 is that. */
const INT64_MAX_ISH = 2 ** 62

function image(n: NodeContext, i = 0): RuntimeValue {
  return n.runtime(i, [4])
}

function sameInts(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

function normalizeAxis(n: NodeContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis
  if (a < 0 || a >= rank) n.refuse(`axis ${axis} out of range for rank ${rank}`)
  return a
}

/**
 * The window of a Conv / MaxPool / AveragePool node: kernel, strides, dilations and pads with
 * auto_pad resolved to explicit [top, left, bottom, right] pads (SAME_UPPER puts the odd pad at the
 * end, SAME_LOWER at the beginning, VALID pads nothing).
 */
function windowOf(n: NodeContext, kernel: readonly [number, number], spatial: readonly [number, number], ceilMode: boolean): Window2d {
  const { attrs } = n
  const kernelAttr = attrs.ints('kernel_shape')
  if (kernelAttr && !sameInts(kernelAttr, kernel)) n.refuse(`kernel_shape [${kernelAttr.join(', ')}] does not match the weight's [${kernel.join(', ')}]`)
  const stride = attrs.ints('strides') ?? [1, 1]
  const dilation = attrs.ints('dilations') ?? [1, 1]
  if (stride.length !== 2 || dilation.length !== 2) n.refuse('strides/dilations are not 2-D', '2-D windows (NCHW)')
  if ([...stride, ...dilation, ...kernel].some((v) => !Number.isInteger(v) || v < 1)) n.refuse('kernel, strides and dilations must be positive')
  const autoPad = attrs.string('auto_pad', 'NOTSET')
  let pads: number[]
  if (autoPad === 'NOTSET') {
    pads = attrs.ints('pads') ?? [0, 0, 0, 0]
    if (pads.length !== 4) n.refuse(`pads has ${pads.length} values`, '2-D windows (NCHW): pads [top, left, bottom, right]')
    if (pads.some((p) => !Number.isInteger(p) || p < 0)) n.refuse(`negative pads [${pads.join(', ')}]`)
  } else if (autoPad === 'VALID') {
    pads = [0, 0, 0, 0]
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = samePads(spatial, kernel, [stride[0], stride[1]], [dilation[0], dilation[1]], autoPad === 'SAME_UPPER')
  } else {
    n.refuse(`auto_pad ${JSON.stringify(autoPad)}`, 'auto_pad NOTSET, VALID, SAME_UPPER, SAME_LOWER')
  }
  const window: Window2d = {
    kernel: [kernel[0], kernel[1]],
    stride: [stride[0], stride[1]],
    dilation: [dilation[0], dilation[1]],
    pads: [pads[0], pads[1], pads[2], pads[3]],
  }
  for (let a = 0; a < 2; a++) {
    if (windowOutput(spatial[a], kernel[a], stride[a], dilation[a], pads[a], pads[a + 2], ceilMode) < 1) {
      n.refuse(`the window does not fit the ${spatial[0]}x${spatial[1]} input`)
    }
  }
  return window
}

/** A window that the benchmark spaces' narrower ops express exactly: square, symmetric, undilated. */
function squareWindow(window: Window2d): { kernel: number; stride: number; pad: number } | null {
  const { kernel, stride, dilation, pads } = window
  const square = kernel[0] === kernel[1] && stride[0] === stride[1] && dilation[0] === 1 && dilation[1] === 1 && pads.every((p) => p === pads[0])
  return square ? { kernel: kernel[0], stride: stride[0], pad: pads[0] } : null
}

function conv(n: NodeContext): void {
  const x = image(n)
  const weight = n.constant(1, 'the weight')
  if (!weight) n.refuse('the weight is missing')
  if (weight.dims.length !== 4) n.refuse(`weight of rank ${weight.dims.length}`, '2-D convolutions (NCHW, weight [M, C/group, kH, kW])')
  const [channels, height, width] = x.dims
  const [outChannels, groupChannels, kh, kw] = weight.dims
  const groups = n.attrs.int('group', 1)
  if (groups < 1 || channels % groups !== 0 || outChannels % groups !== 0 || groupChannels * groups !== channels) {
    n.refuse(`group ${groups} does not fit ${channels} input channels and a weight of shape [${weight.dims.join(', ')}]`)
  }
  // Bias values are ignored (every bias = 0); a bias is only counted for the folded-BN check.
  if (n.input(2)) {
    n.constant(2, 'the bias')
    n.facts.convsWithBias++
  }
  const window = windowOf(n, [kh, kw], [height, width], false)
  const square = squareWindow(window)
  const op: Op = groups === 1 && square ? { kind: 'conv2d', outChannels, ...square } : { kind: 'conv', outChannels, groups, window }
  n.setOutput(0, n.add(op, [x]))
}

function pool(mode: 'max' | 'avg'): (n: NodeContext) => void {
  return (n: NodeContext) => {
    const x = image(n)
    if (mode === 'max') n.requireUnused(1, 'indices')
    const kernel = n.attrs.ints('kernel_shape')
    if (!kernel || kernel.length !== 2) n.refuse('kernel_shape is not 2-D')
    if (n.attrs.int('storage_order', 0) !== 0 && n.outputUsed(1)) n.refuse('storage_order with indices')
    const ceilMode = n.attrs.int('ceil_mode', 0) === 1
    const countIncludePad = n.attrs.int('count_include_pad', 0) === 1
    const window = windowOf(n, [kernel[0], kernel[1]], [x.dims[1], x.dims[2]], ceilMode)
    const square = ceilMode ? null : squareWindow(window)
    let op: Op
    if (square && mode === 'max') op = { kind: 'maxpool', ...square }
    else if (square) op = { kind: 'avgpool', ...square, countIncludePad }
    else op = { kind: 'pool', mode, window, countIncludePad, ceilMode }
    n.setOutput(0, n.add(op, [x]))
  }
}

/** BN in both export forms; its optional outputs (running/saved statistics) must be unused. */
function batchNormalization(n: NodeContext): void {
  const x = n.runtime(0, [2, 4])
  const channels = x.dims[0]
  for (let i = 1; i <= 4; i++) {
    const param = n.constant(i, `parameter ${i}`)
    if (!param) n.refuse(`parameter ${i} is missing`)
    if (param.dims.length !== 1 || param.dims[0] !== channels) n.refuse(`parameter ${i} has shape [${param.dims.join(', ')}] for ${channels} channels`)
  }
  if (n.attrs.int('spatial', 1) !== 1) n.refuse('spatial = 0', 'spatial BatchNormalization')
  n.requireUnused(1, 'running or saved statistics')
  // gamma = w, beta = 0 and batch statistics, whatever the export mode: the running mean/var
  // initializers are ignored on purpose, because the reference builds BN with
  // track_running_stats=False (metric.md section 1), so a network's score never depends on them.
  n.facts.batchNorms++
  n.setOutput(0, n.add({ kind: 'batchnorm', eps: float32Decimal(n.attrs.float('epsilon', 1e-5)) }, [x]))
}

/**
 * The shortest decimal that rounds to the same float32: attributes are stored as float32, so
 * torch's eps=1e-5 arrives as 9.99999975e-6; reading it back as 1e-5 gives the network exactly the
 * batchnorm op the built-in spaces use.
 */
function float32Decimal(value: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits))
    if (Math.fround(candidate) === Math.fround(value)) return candidate
  }
  return value
}

function unary(op: Op): OpHandler {
  return (n) => n.setOutput(0, n.add(op, [n.runtime(0)]))
}

function clip(n: NodeContext): void {
  const x = n.runtime(0)
  const bound = (i: number, attr: string, fallback: number): number => {
    const tensor = n.constant(i, `the ${attr} bound`)
    if (tensor) return n.guard(() => scalarOf(tensor, `the ${attr} bound`))
    return n.attrs.float(attr, fallback)
  }
  n.setOutput(0, n.add({ kind: 'clip', min: bound(1, 'min', -Infinity), max: bound(2, 'max', Infinity) }, [x]))
}

const SCALAR_FN = { Add: 'add', Sub: 'sub', Mul: 'mul', Div: 'div' } as const

/**
 * Add/Sub/Mul/Div: constants fold statically; two same-shaped tensors -> add/sub/mul; a tensor and
 * a one-element constant -> scalar; Add of a 1-D constant after Gemm/MatMul is a linear layer's bias,
 * which is 0 like every bias.
 */
function binary(kind: 'Add' | 'Sub' | 'Mul' | 'Div'): OpHandler {
  return (n: NodeContext) => {
    const a = n.input(0)
    const b = n.input(1)
    if (!a || !b) n.refuse('an operand is missing')
    if (a.kind === 'constant' && b.kind === 'constant') return n.setConstant(0, n.guard(() => arithmetic(kind, a.tensor, b.tensor)))
    if (a.kind === 'runtime' && b.kind === 'runtime') {
      if (kind === 'Div') n.refuse('division of two tensors', 'division by a scalar constant')
      if (!sameInts(a.dims, b.dims)) n.refuse(`operands of shapes [N, ${a.dims.join(', ')}] and [N, ${b.dims.join(', ')}] (broadcasting)`, 'same shapes, or a scalar constant')
      const op: Op = kind === 'Add' ? { kind: 'add' } : kind === 'Sub' ? { kind: 'sub' } : { kind: 'mul' }
      return n.setOutput(0, n.add(op, [a, b]))
    }
    const tensor = a.kind === 'runtime' ? a : (b as RuntimeValue)
    const other = (a.kind === 'constant' ? a : b) as { tensor: ConstantTensor }
    const count = other.tensor.dims.reduce((p, d) => p * d, 1)
    if (kind === 'Add' && tensor.linear && tensor.dims.length === 1 && count === tensor.dims[0] && other.tensor.dims.filter((d) => d !== 1).length <= 1) {
      return n.setOutput(0, tensor)
    }
    if (count !== 1) n.refuse(`a constant of shape [${other.tensor.dims.join(', ')}] (broadcasting)`, 'same shapes, or a scalar constant')
    if (other.tensor.dims.length > tensor.dims.length + 1) n.refuse('a scalar of higher rank than the tensor')
    const value = n.guard(() => scalarOf(other.tensor, 'the constant operand'))
    n.setOutput(0, n.add({ kind: 'scalar', fn: SCALAR_FN[kind], value, scalarFirst: a.kind === 'constant' }, [tensor]))
  }
}

function concatOp(n: NodeContext): void {
  const axisAttr = n.attrs.int('axis', 0)
  const count = n.inputCount
  if (n.allInputsConstant()) {
    const inputs = Array.from({ length: count }, (_, i) => n.constant(i, 'an operand'))
    return n.setConstant(0, n.guard(() => concat(inputs.filter((t): t is ConstantTensor => t !== null), axisAttr)))
  }
  const inputs = Array.from({ length: count }, (_, i) => image(n, i))
  if (normalizeAxis(n, axisAttr, 4) !== 1) n.refuse(`concatenation along axis ${axisAttr}`, 'Concat of NCHW tensors along the channels')
  n.setOutput(0, n.add({ kind: 'concat' }, inputs))
}

function split(n: NodeContext): void {
  const x = image(n)
  if (normalizeAxis(n, n.attrs.int('axis', 0), 4) !== 1) n.refuse(`split along axis ${n.attrs.int('axis', 0)}`, 'Split of NCHW tensors along the channels')
  const channels = x.dims[0]
  const parts = n.outputs.length
  let sizes = n.numbers(1, 'the split sizes') ?? n.attrs.ints('split')
  if (!sizes) {
    // Equal parts (the last one smaller when they do not divide: opset 18's num_outputs rule).
    const chunk = Math.ceil(channels / parts)
    sizes = Array.from({ length: parts }, (_, k) => Math.min(chunk, channels - chunk * k))
  }
  if (sizes.length !== parts || sizes.some((s) => s < 1) || sizes.reduce((a, b) => a + b, 0) !== channels) {
    n.refuse(`split sizes [${sizes.join(', ')}] do not fit ${channels} channels and ${parts} outputs`)
  }
  let start = 0
  sizes.forEach((size, k) => {
    n.setOutput(k, n.add({ kind: 'channelslice', start, size }, [x], `:${k}`))
    start += size
  })
}

function sliceOp(n: NodeContext): void {
  const fromInputs = n.inputCount > 1
  const starts = fromInputs ? n.numbers(1, 'starts') : n.attrs.ints('starts')
  const ends = fromInputs ? n.numbers(2, 'ends') : n.attrs.ints('ends')
  if (!starts || !ends || starts.length !== ends.length) n.refuse('starts/ends missing or of different lengths')
  const axes = (fromInputs ? n.numbers(3, 'axes') : n.attrs.ints('axes')) ?? starts.map((_, i) => i)
  const steps = (fromInputs ? n.numbers(4, 'steps') : null) ?? starts.map(() => 1)
  const data = n.input(0)
  if (!data) n.refuse('the data input is missing')
  if (data.kind === 'constant') return n.setConstant(0, n.guard(() => slice(data.tensor, starts, ends, axes, steps)))
  const x = image(n)
  // The kept indices of C, H, W (sliceRange clamps starts/ends to the dim as ONNX defines).
  const kept = x.dims.map((d) => Array.from({ length: d }, (_, i) => i))
  const seen = new Set<number>()
  axes.forEach((axisAttr, k) => {
    const axis = normalizeAxis(n, axisAttr, 4)
    if (seen.has(axis)) n.refuse(`axis ${axis} sliced twice`)
    seen.add(axis)
    if (axis === 0) {
      if (!(steps[k] === 1 && (starts[k] === 0 || starts[k] <= -INT64_MAX_ISH) && ends[k] >= INT64_MAX_ISH)) n.refuse('slicing the batch axis', SLICE_SUPPORTED)
      return
    }
    const picked = n.guard(() => sliceRange(x.dims[axis - 1], starts[k], ends[k], steps[k]))
    if (picked.length === 0) n.refuse(`an empty slice of axis ${axis}`)
    // Only a run of consecutive indices maps to the IR (what step 1 picks; a step that picks one index is that too).
    if (picked.some((c, i) => c !== picked[0] + i)) n.refuse(axis === 1 ? 'a channel slice with a step' : `slicing axis ${axis} with step ${steps[k]}`, SLICE_SUPPORTED)
    kept[axis - 1] = picked
  })
  const [channels, rows, columns] = kept
  // H/W: a crop is the pad op with negative pads [top, left, bottom, right] (graph.ts); 0 - first, not -first: no -0 in the op.
  const crop = (indices: number[], dim: number): [number, number] => [0 - indices[0], indices[indices.length - 1] + 1 - dim]
  const [top, bottom] = crop(rows, x.dims[1])
  const [left, right] = crop(columns, x.dims[2])
  const cropped = top !== 0 || bottom !== 0 || left !== 0 || right !== 0
  // C first: the crop then moves fewer planes. The channel slice takes the node's label unless a crop follows.
  const sliced = channels.length === x.dims[0] ? x : n.add({ kind: 'channelslice', start: channels[0], size: channels.length }, [x], cropped ? ':channels' : '')
  n.setOutput(0, cropped ? n.add({ kind: 'pad', pads: [top, left, bottom, right] }, [sliced]) : sliced)
}

function reduceMean(n: NodeContext): void {
  const x = image(n)
  const axes = n.numbers(1, 'axes') ?? n.attrs.ints('axes')
  if (!axes || axes.length === 0) n.refuse('a mean over all axes', 'ReduceMean over H and W (axes [2, 3])')
  const normalized = axes.map((a) => normalizeAxis(n, a, 4)).sort()
  if (!sameInts(normalized, [2, 3])) n.refuse(`a mean over axes [${axes.join(', ')}]`, 'ReduceMean over H and W (axes [2, 3])')
  const keepDims = n.attrs.int('keepdims', 1) === 1
  n.setOutput(0, n.add(keepDims ? { kind: 'spatialmean' } : { kind: 'globalavgpool' }, [x]))
}

/** Flatten to [N, F] of a runtime tensor: the IR's flatten for NCHW, nothing for [N, F]. */
function flattenToRows(n: NodeContext, x: RuntimeValue): RuntimeValue {
  return x.dims.length === 1 ? x : n.add({ kind: 'flatten' }, [x])
}

function flatten(n: NodeContext): void {
  const data = n.input(0)
  const axisAttr = n.attrs.int('axis', 1)
  if (data?.kind === 'constant') {
    const rank = data.tensor.dims.length
    const axis = normalizeAxis(n, axisAttr, rank + 1)
    const rows = data.tensor.dims.slice(0, axis).reduce((a, b) => a * b, 1)
    const cols = data.tensor.dims.slice(axis).reduce((a, b) => a * b, 1)
    return n.setConstant(0, n.guard(() => reshape(data.tensor, [rows, cols], false)))
  }
  const x = n.runtime(0)
  if (normalizeAxis(n, axisAttr, x.dims.length + 2) !== 1) n.refuse(`axis ${axisAttr}`, 'Flatten with axis 1 ([N, ...] -> [N, F])')
  n.setOutput(0, flattenToRows(n, x))
}

function reshapeOp(n: NodeContext): void {
  const data = n.input(0)
  const target = n.constant(1, 'the target shape')
  if (!data || !target) n.refuse('an input is missing')
  const allowZero = n.attrs.int('allowzero', 0) === 1
  if (data.kind === 'constant') {
    return n.setConstant(0, n.guard(() => reshape(data.tensor, numbersOf(target, 'a constant reshape'), allowZero)))
  }
  const x = n.runtime(0)
  const full = n.fullShape(x)
  const out = n.guard(() => resolveReshape(full, target.values(), allowZero))
  const features = x.dims.reduce((a, b) => a * b, 1)
  if (sameInts(out as number[], full as number[])) return n.setOutput(0, x)
  if (out.length === 2 && out[0] === n.batch && out[1] === features) return n.setOutput(0, flattenToRows(n, x))
  n.refuse(`reshape of [${full.join(', ')}] to [${out.join(', ')}]`, 'Reshape to [N, -1] (flatten) or to the same shape')
}

function squeezeOp(n: NodeContext): void {
  const data = n.input(0)
  const axes = n.numbers(1, 'axes') ?? n.attrs.ints('axes')
  if (data?.kind === 'constant') return n.setConstant(0, n.guard(() => squeeze(data.tensor, axes)))
  const x = image(n)
  const normalized = (axes ?? []).map((a) => normalizeAxis(n, a, 4)).sort()
  if (!sameInts(normalized, [2, 3]) || x.dims[1] !== 1 || x.dims[2] !== 1) {
    n.refuse(axes ? `squeeze of axes [${axes.join(', ')}] of [N, ${x.dims.join(', ')}]` : 'squeeze without axes', 'Squeeze of 1x1 spatial axes (axes [2, 3])')
  }
  n.setOutput(0, n.add({ kind: 'flatten' }, [x]))
}

function unsqueezeOp(n: NodeContext): void {
  const data = n.constant(0, 'an Unsqueeze of a tensor that')
  const axes = n.numbers(1, 'axes') ?? n.attrs.ints('axes')
  if (!data || !axes) n.refuse('an input or the axes are missing')
  n.setConstant(0, n.guard(() => unsqueeze(data, axes)))
}

function linear(n: NodeContext, x: RuntimeValue, weight: ConstantTensor | null, transposed: boolean, matmul: boolean): void {
  if (!weight) n.refuse('the weight is missing')
  if (weight.dims.length !== 2) n.refuse(`a weight of shape [${weight.dims.join(', ')}]`, 'a 2-D weight initializer')
  const [inFeatures, outFeatures] = transposed ? [weight.dims[1], weight.dims[0]] : weight.dims
  if (inFeatures !== x.dims[0]) n.refuse(`a weight of shape [${weight.dims.join(', ')}] for ${x.dims[0]} features`)
  const out = n.add({ kind: 'linear', outFeatures }, [x])
  n.setOutput(0, { ...out, linear: matmul })
}

function gemm(n: NodeContext): void {
  const x = n.runtime(0, [2])
  if (n.attrs.int('transA', 0) !== 0) n.refuse('transA = 1', 'Gemm with transA = 0, alpha = beta = 1')
  if (n.attrs.float('alpha', 1) !== 1 || n.attrs.float('beta', 1) !== 1) n.refuse('alpha or beta other than 1', 'Gemm with transA = 0, alpha = beta = 1')
  n.constant(2, 'the bias') // its values are ignored: every bias = 0
  linear(n, x, n.constant(1, 'the weight'), n.attrs.int('transB', 0) === 1, false)
}

function matMul(n: NodeContext): void {
  linear(n, n.runtime(0, [2]), n.constant(1, 'the second operand'), false, true)
}

function pass(n: NodeContext): void {
  const value = n.input(0)
  if (!value) n.refuse('the input is missing')
  n.setOutput(0, value)
}

function dropout(n: NodeContext): void {
  // Inference: Dropout is the identity (the metric's reference networks run without dropout).
  n.requireUnused(1, 'mask')
  pass(n)
}

function pad(n: NodeContext): void {
  const x = image(n)
  if (n.attrs.string('mode', 'constant') !== 'constant') n.refuse(`mode ${n.attrs.string('mode', '')}`, PAD_SUPPORTED)
  const pads = n.numbers(1, 'pads') ?? n.attrs.ints('pads')
  if (!pads) n.refuse('pads missing')
  const value = n.input(2) ? n.guard(() => scalarOf(n.constant(2, 'the pad value') as ConstantTensor, 'the pad value')) : n.attrs.float('value', 0)
  if (value !== 0) n.refuse(`pad value ${value}`, PAD_SUPPORTED)
  const axes = (n.numbers(3, 'axes') ?? [0, 1, 2, 3]).map((a) => normalizeAxis(n, a, 4))
  if (pads.length !== 2 * axes.length) n.refuse(`${pads.length} pads for ${axes.length} axes`)
  const full = new Array<number>(8).fill(0)
  axes.forEach((axis, k) => {
    full[axis] = pads[k]
    full[axis + 4] = pads[k + axes.length]
  })
  if (full[0] || full[1] || full[4] || full[5]) n.refuse(`pads [${pads.join(', ')}]`, PAD_SUPPORTED)
  // Negative pads crop (ONNX Pad; the IR pad op does the same), as long as something is left.
  const [top, left, bottom, right] = [full[2], full[3], full[6], full[7]]
  const [height, width] = [x.dims[1] + top + bottom, x.dims[2] + left + right]
  if (height < 1 || width < 1) n.refuse(`pads [${pads.join(', ')}] leave an empty ${height} x ${width} image`, PAD_SUPPORTED)
  n.setOutput(0, n.add({ kind: 'pad', pads: [top, left, bottom, right] }, [x]))
}

function globalMaxPool(n: NodeContext): void {
  const x = image(n)
  const window: Window2d = { kernel: [x.dims[1], x.dims[2]], stride: [1, 1], dilation: [1, 1], pads: [0, 0, 0, 0] }
  n.setOutput(0, n.add({ kind: 'pool', mode: 'max', window, countIncludePad: false, ceilMode: false }, [x]))
}

// Static evaluation of the shape and constant patterns exporters emit.

function constantNode(n: NodeContext): void {
  const { attrs } = n
  const tensor = attrs.tensor('value')
  if (tensor) return n.setConstant(0, constantFromProto(tensor))
  if (attrs.has('value_float')) return n.setConstant(0, constant([], [attrs.float('value_float', 0)], true))
  if (attrs.has('value_int')) return n.setConstant(0, constant([], [attrs.int('value_int', 0)], false))
  const floats = attrs.floats('value_floats')
  if (floats) return n.setConstant(0, constant([floats.length], floats, true))
  const ints = attrs.ints('value_ints')
  if (ints) return n.setConstant(0, constant([ints.length], ints, false))
  n.refuse('a Constant without a numeric value', 'Constant with value, value_float(s) or value_int(s)')
}

function shape(n: NodeContext): void {
  const value = n.input(0)
  if (!value) n.refuse('the input is missing')
  const full = value.kind === 'runtime' ? n.fullShape(value) : [...value.tensor.dims]
  const picked = n.guard(() => sliceRange(full.length, n.attrs.int('start', 0), n.attrs.int('end', full.length), 1))
  n.setConstant(0, constant([picked.length], picked.map((i) => full[i]), false))
}

function gatherOp(n: NodeContext): void {
  const data = n.constant(0, 'a Gather from a tensor that')
  const indices = n.constant(1, 'the Gather indices')
  if (!data || !indices) n.refuse('an input is missing')
  n.setConstant(0, n.guard(() => gather(data, indices, n.attrs.int('axis', 0))))
}

/** TensorProto data types that are floating point (float, float16, double, bfloat16). */
const FLOAT_TYPES = new Set([1, 10, 11, 16])
const INT_TYPES = new Set([2, 3, 4, 5, 6, 7, 12, 13])

function cast(n: NodeContext): void {
  const to = n.attrs.int('to', 0)
  const value = n.input(0)
  if (!value) n.refuse('the input is missing')
  if (value.kind === 'runtime') {
    if (to !== 1) n.refuse(`a cast of the input's values to data type ${to}`, 'Cast to float of tensors, any Cast of constants')
    return n.setOutput(0, value)
  }
  if (FLOAT_TYPES.has(to)) return n.setConstant(0, { ...value.tensor, float: true })
  if (!INT_TYPES.has(to)) n.refuse(`a cast to data type ${to}`, 'Cast to float or integer types')
  const source = value.tensor
  n.setConstant(0, { dims: source.dims, float: false, values: () => source.values().map((v) => (typeof v === 'number' ? Math.trunc(v) : v)) })
}

function constantOfShape(n: NodeContext): void {
  const dims = n.numbers(0, 'the shape of ConstantOfShape')
  if (!dims) n.refuse('the shape is missing')
  const valueTensor = n.attrs.tensor('value')
  const fill = valueTensor ? constantFromProto(valueTensor) : constant([1], [0], true)
  const value = n.guard(() => scalarOf(fill, 'the fill value'))
  n.setConstant(0, constant(dims, new Array<number>(dims.reduce((a, b) => a * b, 1)).fill(value), fill.float))
}

function transposeOp(n: NodeContext): void {
  const data = n.constant(0, 'a Transpose of a tensor that')
  if (!data) n.refuse('the input is missing')
  n.setConstant(0, n.guard(() => transpose(data, n.attrs.ints('perm'))))
}

const ACTIVATION = 'an activation of a tensor computed from the model input'
const SHAPE_ONLY = 'on constants and shapes only (torch\'s x.view(x.size(0), -1) pattern)'

/** Every supported op type and its handler. */
export const OP_HANDLERS: ReadonlyMap<string, HandlerEntry> = new Map<string, HandlerEntry>([
  ['Add', { handle: binary('Add'), supported: 'same shapes, or a scalar constant' }],
  ['AveragePool', { handle: pool('avg'), supported: '2-D pooling, any window, count_include_pad, ceil_mode' }],
  ['BatchNormalization', { handle: batchNormalization, supported: 'BatchNormalization with 1, 3 or 5 outputs, only output 0 used' }],
  ['Cast', { handle: cast, supported: 'Cast to float of tensors, any Cast of constants' }],
  ['Clip', { handle: clip, supported: 'Clip with constant scalar min/max (inputs or attributes)' }],
  ['Concat', { handle: concatOp, supported: 'Concat of NCHW tensors along the channels, or of constants' }],
  ['Constant', { handle: constantNode, supported: 'Constant with a numeric value' }],
  ['ConstantOfShape', { handle: constantOfShape, supported: `ConstantOfShape ${SHAPE_ONLY}` }],
  ['Conv', { handle: conv, supported: '2-D Conv with a weight initializer, any group, strides, dilations, pads, auto_pad' }],
  ['Div', { handle: binary('Div'), supported: 'division by a scalar constant' }],
  ['Dropout', { handle: dropout, supported: 'Dropout (inference: the identity), mask unused' }],
  ['Flatten', { handle: flatten, supported: 'Flatten with axis 1' }],
  ['Gather', { handle: gatherOp, supported: `Gather ${SHAPE_ONLY}` }],
  ['Gemm', { handle: gemm, supported: 'Gemm with a weight initializer, transA = 0, alpha = beta = 1' }],
  ['GlobalAveragePool', { handle: (n) => n.setOutput(0, n.add({ kind: 'spatialmean' }, [image(n)])), supported: 'GlobalAveragePool of NCHW tensors' }],
  ['GlobalMaxPool', { handle: globalMaxPool, supported: 'GlobalMaxPool of NCHW tensors' }],
  ['HardSigmoid', { handle: (n) => unary({ kind: 'hardsigmoid', alpha: n.attrs.float('alpha', 0.2), beta: n.attrs.float('beta', 0.5) })(n), supported: ACTIVATION }],
  ['HardSwish', { handle: unary({ kind: 'hardswish' }), supported: ACTIVATION }],
  ['Identity', { handle: pass, supported: 'Identity' }],
  ['LeakyRelu', { handle: (n) => unary({ kind: 'leakyrelu', slope: n.attrs.float('alpha', 0.01) })(n), supported: ACTIVATION }],
  ['MatMul', { handle: matMul, supported: 'MatMul of an [N, F] tensor by a 2-D initializer' }],
  ['MaxPool', { handle: pool('max'), supported: '2-D pooling, any window, ceil_mode; indices unused' }],
  ['Mul', { handle: binary('Mul'), supported: 'same shapes, or a scalar constant' }],
  ['Pad', { handle: pad, supported: PAD_SUPPORTED }],
  ['ReduceMean', { handle: reduceMean, supported: 'ReduceMean over H and W (axes [2, 3])' }],
  ['Relu', { handle: unary({ kind: 'relu' }), supported: ACTIVATION }],
  ['Reshape', { handle: reshapeOp, supported: 'Reshape to [N, -1] (flatten), or of constants' }],
  ['Shape', { handle: shape, supported: 'Shape' }],
  ['Sigmoid', { handle: unary({ kind: 'sigmoid' }), supported: ACTIVATION }],
  ['Slice', { handle: sliceOp, supported: SLICE_SUPPORTED }],
  ['Split', { handle: split, supported: 'Split of NCHW tensors along the channels' }],
  ['Squeeze', { handle: squeezeOp, supported: 'Squeeze of 1x1 spatial axes (axes [2, 3]), or of constants' }],
  ['Sub', { handle: binary('Sub'), supported: 'same shapes, or a scalar constant' }],
  ['Tanh', { handle: unary({ kind: 'tanh' }), supported: ACTIVATION }],
  ['Transpose', { handle: transposeOp, supported: `Transpose ${SHAPE_ONLY}` }],
  ['Unsqueeze', { handle: unsqueezeOp, supported: `Unsqueeze ${SHAPE_ONLY}` }],
])
