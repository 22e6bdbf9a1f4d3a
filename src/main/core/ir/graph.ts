/**
 * The network IR: an immutable list of nodes in topological order. Every conv/linear weight is the
 * network's constant shared weight w and every bias is 0; every BatchNorm has gamma = w, beta = 0
 * and normalises with the statistics of the current batch (metric.md section 1). So the IR carries
 * no weights at all: a graph plus w is the whole network.
 *
 * Image tensors are NCHW, flat tensors [N, F]. A tensor's channel c may stand for several identical
 * channels of the original network: `channelMultiplicity` on the node says how many (all 1 at full
 * width; the width-collapse pass sets them).
 */

import type { EmbeddingInit } from './embedding-table.ts'

/** Ops of the IR. Each is defined by the reference interpreter in `core/backends/ts`. */
export type Op =
  | { kind: 'input' }
  /** Convolution with every weight = w (times the input channel's multiplicity), no bias. */
  | { kind: 'conv2d'; outChannels: number; kernel: number; stride: number; pad: number }
  /** Train-mode BatchNorm: batch mean and biased variance over (N, H, W), gamma = w, beta = 0. */
  | { kind: 'batchnorm'; eps: number }
  | { kind: 'relu' }
  /** Average pooling; `countIncludePad: false` divides by the number of in-bounds elements. */
  | { kind: 'avgpool'; kernel: number; stride: number; pad: number; countIncludePad: boolean }
  /** x * 0, elementwise: zero for finite x, NaN for inf/NaN (the reference's `none` edge). */
  | { kind: 'zero' }
  /** Sum of all inputs, folded left in input order (float addition is not associative). */
  | { kind: 'add' }
  /** Mean over H and W: NCHW -> [N, C]. */
  | { kind: 'globalavgpool' }
  /** Fully connected layer with every weight = w and bias = 0: [N, F] -> [N, outFeatures]. */
  | { kind: 'linear'; outFeatures: number }
  /** Copies channels: output channel k is input channel `sources[k]` (inserted by the collapse pass). */
  | { kind: 'regroup'; sources: readonly number[] }
  /**
   * Max pooling over the in-bounds elements of each window: padding never wins (PyTorch pads with
   * -inf, TF 'SAME' ignores it); a NaN anywhere in the window gives NaN, as torch.max_pool2d.
   */
  | { kind: 'maxpool'; kernel: number; stride: number; pad: number }
  /** Concatenation of NCHW inputs along the channels, in input order. */
  | { kind: 'concat' }
  /** Channels start .. start+size-1 of the input (NB101 truncation keeps the first channels). */
  | { kind: 'channelslice'; start: number; size: number }
  // NB-NLP recurrent cells (all on [N, F] tensors):
  /**
   * The benchmark's MultiLinear: sum over inputs i of (every weight = w) linear(x_i), plus a bias of
   * w (the reference sets every cell parameter, biases included, to w). Rounded as PyTorch runs it:
   * ((linear(x_0) + bias) + linear(x_1)) + ..., each term and each sum rounded to float32.
   */
  | { kind: 'multilinear'; outFeatures: number }
  | { kind: 'sigmoid' }
  | { kind: 'tanh' }
  /** x for x >= 0, else x * float32(slope) (torch.nn.LeakyReLU, slope 0.01). */
  | { kind: 'leakyrelu'; slope: number }
  /** Elementwise product of all inputs, folded left in input order. */
  | { kind: 'mul' }
  /** a * b + (1 - a) * c with inputs (a, b, c), every step rounded to float32 as the reference. */
  | { kind: 'blend' }
  /** A tensor of `shape` with every element = w (the reference's init_hidden fills with the weight). */
  | { kind: 'fillweight'; shape: readonly number[] }
  /** Rows start .. start+count-1 of an [N, F] tensor (one time step of a sequence batch). */
  | { kind: 'rows'; start: number; count: number }
  /** Concatenation of [N_i, F] inputs along the rows, in input order (time steps back to a sequence). */
  | { kind: 'stackrows' }
  /**
   * Token ids [N, 1] (float32, exact below 2^24) -> rows of a seeded table [N, features] drawn from
   * `init` (absent: uniform [0, 1), the reference's; ir/embedding-table.ts). Not a constant-weight
   * layer: its output features are all distinct.
   */
  | { kind: 'embedding'; vocabulary: number; features: number; seed: number; init?: EmbeddingInit }
  | ImportedOp

/**
 * Window geometry of the general (ONNX) convolution and pooling ops, per axis as [height, width];
 * pads are [top, left, bottom, right] zeros (asymmetric pads and `auto_pad` are resolved to these).
 */
export interface Window2d {
  readonly kernel: readonly [number, number]
  readonly stride: readonly [number, number]
  readonly dilation: readonly [number, number]
  readonly pads: readonly [number, number, number, number]
}

/**
 * Ops of imported (ONNX) networks. The benchmark spaces keep the narrower ops above, so their
 * networks and cached scores do not change; an imported op that fits one of those maps to it.
 */
export type ImportedOp =
  /**
   * Grouped 2-D convolution with every weight = w and no bias. The stored input channels split into
   * `groups` equal consecutive groups, the output channels likewise; output channel o of group g is
   * w * sum over stored input channels s of group g of m_s * (dilated window sum of s). At full width
   * (all m = 1) this is ONNX Conv with `group` (depthwise when groups = input channels).
   */
  | { kind: 'conv'; outChannels: number; groups: number; window: Window2d }
  /**
   * Max or average pooling with a general window. Max: over in-bounds taps only (padding never wins),
   * NaN propagates. Avg: sum of in-bounds taps divided by kernel area (countIncludePad) or by the
   * in-bounds count. ceilMode: output size rounds up, and a window must start inside the input or
   * its left/top padding (PyTorch/ONNX rule); with countIncludePad the divisor counts the padded
   * taps but not the taps past the bottom/right padding (PyTorch). A window with no in-bounds tap
   * (large pads or dilation) gives -inf (max, as PyTorch's -inf padding) or 0/0 = NaN (avg without
   * countIncludePad).
   */
  | { kind: 'pool'; mode: 'max' | 'avg'; window: Window2d; countIncludePad: boolean; ceilMode: boolean }
  /** max(0, min(1, alpha * x + beta)) (ONNX HardSigmoid; torch.nn.Hardsigmoid is alpha 1/6, beta 0.5). */
  | { kind: 'hardsigmoid'; alpha: number; beta: number }
  /** x * max(0, min(1, x / 6 + 0.5)) (ONNX HardSwish). */
  | { kind: 'hardswish' }
  /** min(max(x, min), max); NaN stays NaN (ONNX Clip; ReLU6 is min 0, max 6; an absent bound is -inf/inf). */
  | { kind: 'clip'; min: number; max: number }
  /** a - b of two same-shaped inputs. */
  | { kind: 'sub' }
  /** x (op) value, or value (op) x when `scalarFirst`: a tensor with a scalar constant of the model. */
  | { kind: 'scalar'; fn: 'add' | 'sub' | 'mul' | 'div'; value: number; scalarFirst: boolean }
  /**
   * Zero padding of H and W by [top, left, bottom, right]; a negative pad crops that many rows or
   * columns from that side instead (as ONNX Pad does; ONNX Slice of H/W maps here), any mix per side.
   * The output keeps at least 1 row and 1 column.
   */
  | { kind: 'pad'; pads: readonly [number, number, number, number] }
  /** [N, C, H, W] -> [N, C * H * W] in NCHW order (ONNX Flatten axis 1, Reshape to [N, -1]). */
  | { kind: 'flatten' }
  /** Mean over H and W keeping the axes: [N, C, H, W] -> [N, C, 1, 1] (ONNX GlobalAveragePool). */
  | { kind: 'spatialmean' }

/** The kinds of ImportedOp; a Record so the compiler checks the list is complete. */
const IMPORTED_OP_KINDS: Readonly<Record<ImportedOp['kind'], true>> = {
  conv: true,
  pool: true,
  hardsigmoid: true,
  hardswish: true,
  clip: true,
  sub: true,
  scalar: true,
  pad: true,
  flatten: true,
  spatialmean: true,
}

/** Whether `op` is one of the imported (ONNX) ops, which each backend runs in a module of its own. */
export function isImportedOp(op: Op): op is ImportedOp {
  return Object.hasOwn(IMPORTED_OP_KINDS, op.kind)
}

/** Op kind names. */
export type OpKind = Op['kind']

/** One node: an op applied to earlier nodes, producing a tensor of a known shape. */
export interface Node {
  readonly id: number
  readonly op: Op
  readonly inputs: readonly number[]
  readonly shape: readonly number[]
  /** How many identical original channels each stored channel stands for (length = shape[1]). */
  readonly channelMultiplicity: readonly number[]
  /** Human-readable name for printouts and error messages, e.g. `cell3.node2.edge0.conv`. */
  readonly label: string
}

/** A whole network: nodes in topological order, one input and one output. */
export interface Graph {
  readonly nodes: readonly Node[]
  readonly input: number
  readonly output: number
}

/** Number of elements of a shape. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}

/** Number of original channels a node's tensor stands for. */
export function originalChannels(node: Node): number {
  return node.channelMultiplicity.reduce((a, b) => a + b, 0)
}
