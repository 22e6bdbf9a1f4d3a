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
   * Token ids [N, 1] (float32, exact below 2^24) -> rows of a seeded uniform(0, 1) table [N, features]
   * (ir/embedding-table.ts). Not a constant-weight layer: its output features are all distinct.
   */
  | { kind: 'embedding'; vocabulary: number; features: number; seed: number }

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
